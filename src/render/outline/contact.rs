//! The contact details as the template writes them: where the person is on one line, a
//! profile by its address or by network and username, an address without its scheme.

use serde_json::Value;

use super::{Field, Line, Piece, shown};
use crate::resume::path::ValuePath;

/// Where the person is, as the template writes it: `2712 Broadway St, San Francisco, California
/// CA 94115, US`.
pub(super) fn place(location: &Value, at: &ValuePath) -> Line {
    let mut line = Line::new();
    for group in [
        &["address"][..],
        &["city"],
        &["region", "postalCode"],
        &["countryCode"],
    ] {
        let keys: Vec<&str> = group
            .iter()
            .copied()
            .filter(|k| shown(location, k))
            .collect();
        if keys.is_empty() {
            continue;
        }
        if !line.pieces.is_empty() {
            line = line.words(", ");
        }
        for (i, key) in keys.iter().enumerate() {
            if i > 0 {
                line = line.words(" ");
            }
            line = line.field(location, at, key);
        }
    }
    line
}

/// A profile as the template shows it: its address without the scheme when the address names
/// the user (`github.com/ada`), else `Network: username`, else the address.
pub fn profile(profile: &Value, at: &ValuePath) -> Line {
    let url = profile.get("url").and_then(Value::as_str).map(bare);
    let user = profile
        .get("username")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|u| !u.is_empty());
    let field = |key: &str, text: String| {
        Piece::Field(Field {
            path: at.key(key),
            text,
        })
    };
    let names_user =
        |url: &String| user.is_none_or(|u| url.to_lowercase().contains(&u.to_lowercase()));
    let pieces = match (url, user) {
        (Some(url), _) if !url.is_empty() && names_user(&url) => vec![field("url", url)],
        (_, Some(user)) => match profile
            .get("network")
            .and_then(Value::as_str)
            .map(str::trim)
        {
            Some(network) if !network.is_empty() => vec![
                Piece::Words(format!("{network}: ")),
                field("username", user.to_owned()),
            ],
            _ => vec![field("username", user.to_owned())],
        },
        _ => Vec::new(),
    };
    Line {
        pieces,
        bullet: false,
    }
}

/// An address as the PDF shows it: without its scheme and final slash.
pub fn bare(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.trim_end_matches('/').to_owned()
}
