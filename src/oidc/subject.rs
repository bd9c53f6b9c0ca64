//! Subject identifiers (OpenID Connect Core §8): public — the user's own `sub`, the same for
//! every client — or pairwise, a different stable value per sector so that clients of
//! different sectors cannot correlate a person.

use crate::crypto::SecretKey;
use crate::domain::Sub;

/// The `sub` a client of `sector` sees for the user whose public subject is `public`.
pub fn for_sector(public: &Sub, sector: Option<&str>, key: &SecretKey) -> Sub {
    match sector {
        None => public.clone(),
        Some(sector) => Sub::from_string(key.mac("pairwise-sub", &format!("{sector}\0{public}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_subjects_differ_by_sector_and_are_stable() {
        let key = SecretKey::generate();
        let alice = Sub::from_string("alice-sub".into());
        assert_eq!(for_sector(&alice, None, &key), alice);
        let a = for_sector(&alice, Some("a.example"), &key);
        assert_ne!(a, alice);
        assert_eq!(a, for_sector(&alice, Some("a.example"), &key));
        assert_ne!(a, for_sector(&alice, Some("b.example"), &key));
        assert!(a
            .as_str()
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    }
}
