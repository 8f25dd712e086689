//! Did-you-mean: the candidates a misspelt word most likely stands for.
//!
//! Help texts suggest a correction wherever a word must come from a known set:
//! keys and enum values of the Compose schema, names of the project's
//! services, networks, volumes, secrets and configs. One function ranks the
//! candidates for all of them; what differs between the callers — how words
//! are compared and how close is close enough — is the [`Likeness`] each one
//! passes (the suggestions the snapshot and schema tests pin come from these
//! rules).

/// How a word is compared with the candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Likeness {
    /// A word of a fixed vocabulary (a schema key or enum value), usually a
    /// typo: the Damerau–Levenshtein distance between the lowercased forms,
    /// `-` read as `_`, is at most a third of the candidate's length (at
    /// least 1). The nearest first; among equals, the first listed.
    Spelling,
    /// A name the user chose (a service, network, volume...): Jaro–Winkler
    /// similarity above 0.8, case-sensitive. The most similar first; among
    /// equals, the last listed.
    Name,
    /// The neighbourhood of an unknown key, for a list of keys like it: the
    /// lowercased word's Jaro–Winkler similarity with a candidate is at least
    /// 0.8. The most similar first; among equals, the first listed.
    Nearby,
}

/// The candidates like `word` by `likeness`, the most likely first.
///
/// `candidates` are tried in their iteration order, which breaks ties as
/// [`Likeness`] says.
pub(crate) fn ranked<'c, S>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c S>,
    likeness: Likeness,
) -> Vec<&'c str>
where
    S: AsRef<str> + ?Sized + 'c,
{
    let candidates = candidates.into_iter().map(AsRef::as_ref).enumerate();
    match likeness {
        Likeness::Spelling => {
            let norm = |s: &str| s.to_lowercase().replace('-', "_");
            let w = norm(word);
            let wlen = w.chars().count();
            let mut near: Vec<(usize, usize, &str)> = candidates
                .filter_map(|(i, c)| {
                    let clen = c.chars().count();
                    let limit = (clen / 3).max(1);
                    // The edit distance is at least the difference in length.
                    if clen.abs_diff(wlen) > limit {
                        return None;
                    }
                    let d = strsim::damerau_levenshtein(&w, &norm(c));
                    (d <= limit).then_some((d, i, c))
                })
                .collect();
            near.sort_by_key(|&(d, i, _)| (d, i));
            near.into_iter().map(|(_, _, c)| c).collect()
        }
        Likeness::Name | Likeness::Nearby => {
            let nearby = likeness == Likeness::Nearby;
            let w = if nearby {
                word.to_lowercase()
            } else {
                word.to_string()
            };
            let mut near: Vec<(f64, usize, &str)> = candidates
                .map(|(i, c)| (strsim::jaro_winkler(&w, c), i, c))
                .filter(|&(score, _, _)| if nearby { score >= 0.8 } else { score > 0.8 })
                .collect();
            near.sort_by(|a, b| {
                let order = if nearby { a.1.cmp(&b.1) } else { b.1.cmp(&a.1) };
                b.0.total_cmp(&a.0).then(order)
            });
            near.into_iter().map(|(_, _, c)| c).collect()
        }
    }
}

/// The candidate `word` most likely stands for, if one is like it (the
/// first of [`ranked`]).
pub(crate) fn did_you_mean<'c, S>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c S>,
    likeness: Likeness,
) -> Option<&'c str>
where
    S: AsRef<str> + ?Sized + 'c,
{
    ranked(word, candidates, likeness).into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelling_is_an_edit_distance_on_folded_words() {
        let keys = ["image", "labels", "volumes", "cap_add", "cap_drop"];
        assert_eq!(
            did_you_mean("imgae", &keys, Likeness::Spelling),
            Some("image")
        );
        assert_eq!(
            did_you_mean("IMAGE", &keys, Likeness::Spelling),
            Some("image")
        );
        assert_eq!(
            did_you_mean("cap-add", &keys, Likeness::Spelling),
            Some("cap_add")
        );
        assert_eq!(did_you_mean("xyz", &keys, Likeness::Spelling), None);
        // Equally near: the first listed.
        assert_eq!(
            did_you_mean("cap_ad", &keys, Likeness::Spelling),
            Some("cap_add")
        );
        assert_eq!(
            ranked("cap_drp", &keys, Likeness::Spelling),
            vec!["cap_drop"]
        );
    }

    #[test]
    fn names_are_jaro_winkler_and_the_last_tie_wins() {
        let names = ["db1", "db2", "web"];
        assert_eq!(did_you_mean("db", &names, Likeness::Name), Some("db2"));
        assert_eq!(did_you_mean("wen", &names, Likeness::Name), Some("web"));
        assert_eq!(did_you_mean("WEB", &names, Likeness::Name), None);
        assert_eq!(did_you_mean("cache", &names, Likeness::Name), None);
        let owned: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        assert_eq!(did_you_mean("web1", &owned, Likeness::Name), Some("web"));
    }

    #[test]
    fn nearby_lists_the_similar_first_in_order() {
        let keys = ["db1", "db2", "web"];
        assert_eq!(ranked("DB", &keys, Likeness::Nearby), vec!["db1", "db2"]);
        assert!(ranked("zzz", &keys, Likeness::Nearby).is_empty());
    }
}
