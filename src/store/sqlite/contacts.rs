//! Contacts and the Portable Contacts query: filter, sort and page in SQL, so a user with many
//! contacts is never loaded whole. Field names come from a fixed list; values are bound.

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};

use super::users::{from_row, COLUMNS};
use super::writer::db_error;
use crate::clock::UnixTime;
use crate::domain::contact_query::{ContactField, ContactQuery, FilterOp, SortOrder};
use crate::domain::records::{Contact, UserId};
use crate::store::{StoreError, StoreResult};

/// How a field is read from a contact row (`u` = users, `c` = contacts).
enum Source {
    /// One value, an SQL expression.
    Scalar(&'static str),
    /// A JSON array in the profile, and the member of each element holding its value
    /// (`None`: the element is the value).
    Plural(&'static str, Option<&'static str>),
}

/// Where each field comes from, and the profile key a person can hide it under.
fn source(field: ContactField) -> (Source, Option<&'static str>) {
    use ContactField::*;
    use Source::*;
    match field {
        Id => (Scalar("u.sub"), None),
        DisplayName => (Scalar("coalesce(nullif(u.name, ''), u.username)"), None),
        NameFormatted => (Scalar("nullif(u.name, '')"), None),
        GivenName => (
            Scalar("json_extract(u.profile, '$.givenName')"),
            Some("name"),
        ),
        FamilyName => (
            Scalar("json_extract(u.profile, '$.familyName')"),
            Some("name"),
        ),
        MiddleName => (
            Scalar("json_extract(u.profile, '$.middleName')"),
            Some("name"),
        ),
        Nickname => (
            Scalar("json_extract(u.profile, '$.nickname')"),
            Some("nickname"),
        ),
        PreferredUsername => (Scalar("u.username"), None),
        Birthday => (
            Scalar("json_extract(u.profile, '$.birthday')"),
            Some("birthday"),
        ),
        Gender => (
            Scalar("json_extract(u.profile, '$.gender')"),
            Some("gender"),
        ),
        Note => (Scalar("json_extract(u.profile, '$.note')"), Some("note")),
        UtcOffset => (
            Scalar("json_extract(u.profile, '$.utcOffset')"),
            Some("utcOffset"),
        ),
        Published => (
            Scalar("strftime('%Y-%m-%dT%H:%M:%SZ', u.created_at, 'unixepoch')"),
            None,
        ),
        Updated => (
            Scalar("strftime('%Y-%m-%dT%H:%M:%SZ', u.updated_at, 'unixepoch')"),
            None,
        ),
        Emails => (Scalar("u.email"), Some("emails")),
        PhoneNumbers => (Plural("phoneNumbers", Some("value")), Some("phoneNumbers")),
        Urls => (Plural("urls", Some("value")), Some("urls")),
        Ims => (Plural("ims", Some("value")), Some("ims")),
        Photos => (Plural("photos", Some("value")), Some("photos")),
        Tags => (Plural("tags", None), Some("tags")),
        Addresses => (Plural("addresses", Some("formatted")), Some("addresses")),
        Organizations => (Plural("organizations", Some("name")), Some("organizations")),
        Relationships => (Scalar("c.relationship"), None),
    }
}

fn member(member: Option<&str>, element: &str) -> String {
    match member {
        Some(m) => format!("json_extract({element}, '$.{m}')"),
        None => element.to_string(),
    }
}

/// `NOT hidden` for a field the person can hide from contacts.
fn shown(hide_key: Option<&str>) -> String {
    match hide_key {
        None => "1".into(),
        Some(key) => format!(
            "NOT EXISTS (SELECT 1 FROM json_each(u.profile, '$.hiddenFromContacts') h WHERE h.value = '{key}')"
        ),
    }
}

/// The one value a field sorts by: a plural field's primary value, else its first.
fn sort_key(field: ContactField) -> String {
    let (source, hide) = source(field);
    let value = match source {
        Source::Scalar(expr) => expr.to_string(),
        Source::Plural(array, m) => format!(
            "coalesce((SELECT {primary} FROM json_each(u.profile, '$.{array}') p \
               WHERE json_extract(p.value, '$.primary') = 1 LIMIT 1), \
             (SELECT {first} FROM json_each(u.profile, '$.{array}') p ORDER BY p.key LIMIT 1))",
            primary = member(m, "p.value"),
            first = member(m, "p.value"),
        ),
    };
    format!("(CASE WHEN {} THEN nullif({value}, '') END)", shown(hide))
}

/// The SQL condition of a filter; `?` is the filter value where one is needed.
fn condition(field: ContactField, op: FilterOp) -> String {
    let test = |x: &str| match op {
        FilterOp::Equals => format!("{x} = ?"),
        FilterOp::Contains => format!("instr(fold({x}), fold(?)) > 0"),
        FilterOp::StartsWith => format!("substr(fold({x}), 1, length(fold(?))) = fold(?)"),
        FilterOp::Present => format!("coalesce({x}, '') <> ''"),
    };
    let (source, hide) = source(field);
    let matches = match source {
        Source::Scalar(expr) => test(expr),
        Source::Plural(array, m) => format!(
            "EXISTS (SELECT 1 FROM json_each(u.profile, '$.{array}') p WHERE {})",
            test(&member(m, "p.value"))
        ),
    };
    format!("({} AND {matches})", shown(hide))
}

/// The WHERE clause and its bound values after the owner.
fn where_clause(query: &ContactQuery) -> (String, Vec<SqlValue>) {
    let mut sql = String::from("c.user_id = ?");
    let mut values = Vec::new();
    if let Some(filter) = &query.filter {
        sql.push_str(" AND ");
        sql.push_str(&condition(filter.field, filter.op));
        let binds = match filter.op {
            FilterOp::Present => 0,
            FilterOp::StartsWith => 2,
            FilterOp::Equals | FilterOp::Contains => 1,
        };
        values.extend((0..binds).map(|_| SqlValue::Text(filter.value.clone())));
    }
    if let Some(since) = query.updated_since {
        sql.push_str(" AND u.updated_at >= ?");
        values.push(SqlValue::Integer(since));
    }
    (sql, values)
}

/// How many columns of the user come before the contact's own.
fn user_columns() -> usize {
    COLUMNS.split(", ").count()
}

const FROM: &str = "FROM contacts c JOIN users u ON u.id = c.contact_id";

/// One page of `owner`'s contacts and how many match in all.
pub(super) fn query(
    conn: &Connection,
    owner: UserId,
    query: &ContactQuery,
) -> rusqlite::Result<(usize, Vec<Contact>)> {
    let (filter, values) = where_clause(query);
    let mut bound = vec![SqlValue::Integer(owner)];
    bound.extend(values);
    let total: i64 = conn
        .prepare_cached(&format!("SELECT count(*) {FROM} WHERE {filter}"))?
        .query_row(params_from_iter(bound.iter()), |row| row.get(0))?;
    let order = match query.sort {
        // Contacts without the field last in either direction; ties by id, so paging is stable.
        Some((field, direction)) => {
            let key = sort_key(field);
            let dir = match direction {
                SortOrder::Ascending => "ASC",
                SortOrder::Descending => "DESC",
            };
            format!("({key}) IS NULL, {key} COLLATE unicase {dir}, u.id")
        }
        None => "u.id".to_string(),
    };
    let sql = format!(
        "SELECT {cols}, c.relationship, c.created_at {FROM} WHERE {filter} ORDER BY {order} LIMIT ? OFFSET ?",
        cols = COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ")
    );
    // Past i64::MAX there is nothing to show; a plain cast would wrap to a negative
    // offset, which SQLite reads as none, and serve the first page again.
    let offset = i64::try_from(query.start_index).unwrap_or(i64::MAX);
    bound.push(SqlValue::Integer(query.count as i64));
    bound.push(SqlValue::Integer(offset));
    let mut statement = conn.prepare_cached(&sql)?;
    let contacts = statement
        .query_map(params_from_iter(bound.iter()), |row| {
            Ok(Contact {
                user: from_row(row)?,
                relationship: row.get(user_columns())?,
                since: row.get(user_columns() + 1)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((usize::try_from(total).unwrap_or(0), contacts))
}

/// One contact of `owner`, if `contact` is one.
pub(super) fn find(
    conn: &Connection,
    owner: UserId,
    contact: UserId,
) -> rusqlite::Result<Option<Contact>> {
    let cols = COLUMNS
        .split(", ")
        .map(|c| format!("u.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    conn.prepare_cached(&format!(
        "SELECT {cols}, c.relationship, c.created_at {FROM} WHERE c.user_id = ?1 AND c.contact_id = ?2"
    ))?
    .query_row(params![owner, contact], |row| {
        Ok(Contact {
            user: from_row(row)?,
            relationship: row.get(user_columns())?,
            since: row.get(user_columns() + 1)?,
        })
    })
    .optional()
}

pub(super) fn add(
    conn: &Connection,
    a: UserId,
    b: UserId,
    relationship: &str,
    now: UnixTime,
) -> StoreResult<()> {
    if a == b {
        return Err(StoreError::Conflict(
            "a user cannot be their own contact".into(),
        ));
    }
    let mut insert = conn
        .prepare_cached(
            "INSERT INTO contacts (user_id, contact_id, created_at, relationship) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (user_id, contact_id) DO UPDATE SET relationship = ?4",
        )
        .map_err(db_error)?;
    insert
        .execute(params![a, b, now, relationship])
        .map_err(db_error)?;
    insert
        .execute(params![b, a, now, relationship])
        .map_err(db_error)?;
    Ok(())
}

pub(super) fn remove(conn: &Connection, a: UserId, b: UserId) -> StoreResult<bool> {
    let removed = conn
        .prepare_cached(
            "DELETE FROM contacts WHERE (user_id = ?1 AND contact_id = ?2) OR (user_id = ?2 AND contact_id = ?1)",
        )
        .and_then(|mut s| s.execute(params![a, b]))
        .map_err(db_error)?;
    Ok(removed > 0)
}
