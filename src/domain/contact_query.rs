//! A Portable Contacts query (Draft C §7) in plain terms: one filter, a sort, a page. Parsed
//! from the request by `poco::query`, executed by the store as SQL.

use crate::clock::UnixTime;

/// A field that can be filtered and sorted on. Each maps to one value per contact (plural
/// fields: the primary, else first, for sorting; any value for filtering).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactField {
    Id,
    DisplayName,
    NameFormatted,
    GivenName,
    FamilyName,
    MiddleName,
    Nickname,
    PreferredUsername,
    Birthday,
    Gender,
    Note,
    UtcOffset,
    Published,
    Updated,
    Emails,
    PhoneNumbers,
    Urls,
    Ims,
    Photos,
    Tags,
    Addresses,
    Organizations,
    Relationships,
}

/// How a filter compares (Draft C: `equals` exact, `contains` / `startswith`
/// case-insensitive, `present` non-empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterOp {
    Equals,
    Contains,
    StartsWith,
    Present,
}

/// `filterBy` / `filterOp` / `filterValue`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactFilter {
    pub field: ContactField,
    pub op: FilterOp,
    /// Empty for `present`.
    pub value: String,
}

/// `sortOrder`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    #[default]
    Ascending,
    Descending,
}

/// What the store needs to answer one `@all` request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContactQuery {
    pub filter: Option<ContactFilter>,
    /// Only contacts updated at or after this time.
    pub updated_since: Option<UnixTime>,
    /// `None`: the stable default order (when the contact was added).
    pub sort: Option<(ContactField, SortOrder)>,
    /// 0-based.
    pub start_index: usize,
    pub count: usize,
}
