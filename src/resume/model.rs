//! The JSON Resume schema (v1.0.0) as Rust types: every section and field.
//!
//! Fields keep the schema's camelCase names on the wire. All fields are optional, as in the
//! schema; empty strings count as absent wherever the page decides what to show.

use serde::{Deserialize, Serialize};

/// The top-level sections of the schema, in the order the page shows them.
pub const SECTIONS: &[&str] = &[
    "$schema",
    "basics",
    "work",
    "volunteer",
    "education",
    "awards",
    "certificates",
    "publications",
    "skills",
    "languages",
    "interests",
    "references",
    "projects",
    "meta",
];

/// A whole resume. Keys outside the schema are not kept here: [`super::Resume`] merges them
/// back from the raw document so templates still see them.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResumeData {
    #[serde(rename = "$schema", skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basics: Option<Basics>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub work: Vec<Work>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volunteer: Vec<Volunteer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub education: Vec<Education>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub awards: Vec<Award>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<Certificate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub publications: Vec<Publication>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<Skill>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<Language>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interests: Vec<Interest>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub projects: Vec<Project>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

/// Declares a schema object: every field is an optional string or a list of strings.
macro_rules! schema_object {
    ($(#[$doc:meta])* $name:ident { $($field:ident),* $(,)? } $(lists { $($list:ident),* $(,)? })? $(nested { $($nfield:ident : $nty:ty),* $(,)? })?) => {
        $(#[$doc])*
        #[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            $(
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<String>,
            )*
            $($(
                #[serde(default, skip_serializing_if = "Vec::is_empty")]
                pub $list: Vec<String>,
            )*)?
            $($(
                #[serde(default, skip_serializing_if = "is_empty_nested")]
                pub $nfield: $nty,
            )*)?
        }

        impl $name {
            /// The schema's field names, as written in the resume (camelCase).
            pub const FIELDS: &[&str] = &[
                $(camel!($field),)* $($(camel!($list),)*)? $($(camel!($nfield),)*)?
            ];

            /// The fields that hold a list of texts.
            #[allow(dead_code)]
            pub const LISTS: &[&str] = &[$($(camel!($list),)*)?];
        }
    };
}

/// The camelCase spelling of a snake_case field identifier, at compile time.
macro_rules! camel {
    (postal_code) => {
        "postalCode"
    };
    (country_code) => {
        "countryCode"
    };
    (start_date) => {
        "startDate"
    };
    (end_date) => {
        "endDate"
    };
    (study_type) => {
        "studyType"
    };
    (release_date) => {
        "releaseDate"
    };
    (last_modified) => {
        "lastModified"
    };
    (r#type) => {
        "type"
    };
    ($field:ident) => {
        stringify!($field)
    };
}

fn is_empty_nested<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

schema_object!(
    /// Who the resume is about.
    Basics { name, label, image, email, phone, url, summary }
    nested { location: Option<Location>, profiles: Vec<Profile> }
);
schema_object!(
    /// A postal location.
    Location { address, postal_code, city, country_code, region }
);
schema_object!(
    /// A social or professional network profile.
    Profile { network, username, url }
);
schema_object!(
    /// A job.
    Work { name, location, description, position, url, start_date, end_date, summary }
    lists { highlights }
);
schema_object!(
    /// Volunteering.
    Volunteer { organization, position, url, start_date, end_date, summary }
    lists { highlights }
);
schema_object!(
    /// A degree, course of study or school.
    Education { institution, url, area, study_type, start_date, end_date, score }
    lists { courses }
);
schema_object!(
    /// An award.
    Award { title, date, awarder, summary }
);
schema_object!(
    /// A certificate.
    Certificate { name, date, url, issuer }
);
schema_object!(
    /// A publication.
    Publication { name, publisher, release_date, url, summary }
);
schema_object!(
    /// A skill with its keywords.
    Skill { name, level }
    lists { keywords }
);
schema_object!(
    /// A spoken language.
    Language { language, fluency }
);
schema_object!(
    /// An interest with its keywords.
    Interest { name }
    lists { keywords }
);
schema_object!(
    /// A reference.
    Reference { name, reference }
);
schema_object!(
    /// A project.
    Project { name, description, start_date, end_date, url, entity, r#type }
    lists { highlights, keywords, roles }
);
schema_object!(
    /// Metadata about the resume document itself.
    Meta { canonical, version, last_modified }
);
