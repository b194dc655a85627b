//! Terraform's JSON syntax as Rust values: documents of blocks, references between
//! resources, expressions and escaped literals. Serialised with serde_json in insertion
//! order, so the same stack always gives the same bytes.

use serde::Serialize;
use serde_json::{Map, Value};

/// `${...}`: a Terraform expression, e.g. `expr("aws_s3_bucket.site.arn")`.
pub fn expr(expression: impl AsRef<str>) -> Value {
    Value::String(format!("${{{}}}", expression.as_ref()))
}

/// A string Terraform must take literally: `${` and `%{` are escaped as `$${` and `%%{`.
pub fn lit(text: &str) -> Value {
    Value::String(escape(text))
}

pub fn escape(text: &str) -> String {
    text.replace("${", "$${").replace("%{", "%%{")
}

/// A resource or data source, for referring to its attributes.
#[derive(Debug, Clone)]
pub struct Ref {
    address: String,
}

impl Ref {
    /// `aws_s3_bucket.site`, or `data.aws_route53_zone.site`.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The attribute as an expression to embed in a larger one: `aws_s3_bucket.site.arn`.
    pub fn attr(&self, name: &str) -> String {
        format!("{}.{name}", self.address)
    }

    /// The attribute as a whole value: `"${aws_s3_bucket.site.arn}"`.
    pub fn get(&self, name: &str) -> Value {
        expr(self.attr(name))
    }
}

/// One `.tf.json` file.
#[derive(Debug, Default, Serialize)]
pub struct Document {
    #[serde(rename = "//", skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    terraform: Option<Value>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    provider: Map<String, Value>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    data: Map<String, Value>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    resource: Map<String, Value>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    output: Map<String, Value>,
}

impl Document {
    /// An empty document whose `"//"` comment says what it holds.
    pub fn new(comment: &str) -> Self {
        Self {
            comment: Some(comment.to_owned()),
            ..Self::default()
        }
    }

    /// The `terraform` block: required versions, providers, backend.
    pub fn terraform(&mut self, block: Value) {
        self.terraform = Some(block);
    }

    /// Sets a provider's configuration. A second configuration of the same provider (with an
    /// `alias`) goes in another file: some tools read only the single-object form.
    pub fn provider(&mut self, name: &str, config: Value) {
        let previous = self.provider.insert(name.to_owned(), config);
        debug_assert!(
            previous.is_none(),
            "provider {name} configured twice in one file"
        );
    }

    pub fn resource(&mut self, kind: &str, name: &str, body: Value) -> Ref {
        insert(&mut self.resource, kind, name, body);
        Ref {
            address: format!("{kind}.{name}"),
        }
    }

    pub fn data(&mut self, kind: &str, name: &str, body: Value) -> Ref {
        insert(&mut self.data, kind, name, body);
        Ref {
            address: format!("data.{kind}.{name}"),
        }
    }

    pub fn output(&mut self, name: &str, description: &str, value: Value) {
        let mut body = Map::new();
        body.insert("description".into(), lit(description));
        body.insert("value".into(), value);
        self.output.insert(name.to_owned(), Value::Object(body));
    }

    /// Pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        // A document holds only strings, numbers, booleans, arrays and objects.
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

fn insert(blocks: &mut Map<String, Value>, kind: &str, name: &str, body: Value) {
    let of_kind = blocks
        .entry(kind)
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(named) = of_kind {
        let previous = named.insert(name.to_owned(), body);
        debug_assert!(previous.is_none(), "{kind}.{name} defined twice");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn literals_are_escaped_and_expressions_are_not() {
        assert_eq!(lit("${var.x} and %{ if }"), json!("$${var.x} and %%{ if }"));
        assert_eq!(lit("$5 {x}"), json!("$5 {x}"));
        assert_eq!(expr("var.x"), json!("${var.x}"));
    }

    #[test]
    fn documents_keep_insertion_order_and_group_by_kind() {
        let mut doc = Document::new("test");
        let b = doc.resource("aws_s3_bucket", "site", json!({ "bucket_prefix": "x-" }));
        doc.resource("aws_route53_record", "b", json!({}));
        doc.resource("aws_route53_record", "a", json!({ "name": b.get("arn") }));
        doc.output("bucket", "the bucket", b.get("bucket"));
        assert_eq!(
            doc.to_json(),
            r#"{
  "//": "test",
  "resource": {
    "aws_s3_bucket": {
      "site": {
        "bucket_prefix": "x-"
      }
    },
    "aws_route53_record": {
      "b": {},
      "a": {
        "name": "${aws_s3_bucket.site.arn}"
      }
    }
  },
  "output": {
    "bucket": {
      "description": "the bucket",
      "value": "${aws_s3_bucket.site.bucket}"
    }
  }
}
"#
        );
    }
}
