//! `alerts.tf.json`: an AWS Budgets cost budget for the account, which emails at 80 % of the
//! month's actual spend and when the forecast passes the whole budget.

use serde_json::json;

use super::Names;
use super::tf::{Document, lit};
use crate::config::stack::Alerts;

/// Adds the budget and its two notifications.
pub fn budget(doc: &mut Document, names: &Names, alerts: &Alerts) {
    let notification = |kind: &str, percent: u32| {
        json!({
            "comparison_operator": "GREATER_THAN",
            "threshold": percent,
            "threshold_type": "PERCENTAGE",
            "notification_type": kind,
            "subscriber_email_addresses": [lit(&alerts.email)]
        })
    };
    doc.resource(
        "aws_budgets_budget",
        "monthly",
        json!({
            "//": "The whole account's costs, not only this stack's: a bill from anything is worth an email.",
            "name": lit(&names.of("monthly-cost")),
            "budget_type": "COST",
            "limit_amount": format!("{}.0", alerts.monthly_budget),
            "limit_unit": "USD",
            "time_unit": "MONTHLY",
            "notification": [notification("ACTUAL", 80), notification("FORECASTED", 100)]
        }),
    );
}
