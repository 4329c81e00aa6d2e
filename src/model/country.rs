//! Country names for ISO 3166-1 alpha-2 codes (the form every platform stores).

/// The English short name of a country code such as `DE`, or `None` for an unknown code.
pub fn country_name(code: &str) -> Option<&'static str> {
    isocountry::CountryCode::for_alpha2_caseless(code.trim())
        .ok()
        .map(|country| country.name())
}

#[cfg(test)]
mod tests {
    #[test]
    fn knows_common_codes_and_refuses_others() {
        assert_eq!(super::country_name("se"), Some("Sweden"));
        assert!(super::country_name("JP").is_some());
        assert_eq!(super::country_name("XX"), None);
        assert_eq!(super::country_name("DEU"), None);
    }
}
