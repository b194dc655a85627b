//! One statement of a CI role's policy: what the roles may do to one kind of resource.

use serde_json::{Value, json};

/// What the CI roles may do to one kind of resource: `read` is for both roles, `write` for
/// the deploy role only, `preview` for the plan role only (pull requests' previews).
pub(super) struct Grant {
    sid: &'static str,
    read: &'static [&'static str],
    write: &'static [&'static str],
    preview: &'static [&'static str],
    resources: Vec<Value>,
    pub(super) conditions: Value,
}

impl Grant {
    pub(super) fn new(
        sid: &'static str,
        read: &'static [&'static str],
        write: &'static [&'static str],
    ) -> Self {
        Grant {
            sid,
            read,
            write,
            preview: &[],
            resources: Vec::new(),
            conditions: Value::Null,
        }
    }

    /// What only the plan role may do: publish and remove pull requests' previews.
    pub(super) fn preview(sid: &'static str, actions: &'static [&'static str]) -> Self {
        Grant {
            preview: actions,
            ..Grant::new(sid, &[], &[])
        }
    }

    pub(super) fn on(mut self, resources: impl IntoIterator<Item = String>) -> Self {
        self.resources
            .extend(resources.into_iter().map(Value::String));
        self
    }

    pub(super) fn statement(&self, deploy: bool) -> Option<Value> {
        let mut actions: Vec<&str> = self.read.to_vec();
        if deploy {
            actions.extend(self.write);
        } else {
            actions.extend(self.preview);
        }
        (!actions.is_empty()).then(|| {
            let mut statement = json!({
                "sid": self.sid,
                "effect": "Allow",
                "actions": actions,
                "resources": self.resources
            });
            if !self.conditions.is_null() {
                statement["condition"] = self.conditions.clone();
            }
            statement
        })
    }
}
