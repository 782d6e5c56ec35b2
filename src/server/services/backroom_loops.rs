//! Loop detection, as pure functions: a run is looping when its newest
//! turn says again what one of the last few turns said, measured as the
//! share of the new turn's word trigrams (lower-cased, punctuation
//! dropped) that the earlier turn has too.

use std::collections::HashSet;

/// The overlap (percent) at which a run pauses unless its owner set
/// another or turned detection off.
pub const DEFAULT_OVERLAP: u8 = 80;
/// Turns of fewer words are not compared: short answers ("Yes.", "Go on")
/// repeat without anything being stuck.
pub const MIN_WORDS: usize = 12;
/// How many turns before the newest it is compared with.
pub const WINDOW: usize = 4;

fn trigrams(text: &str) -> HashSet<[String; 3]> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() < MIN_WORDS {
        return HashSet::new();
    }
    words
        .windows(3)
        .map(|w| [w[0].clone(), w[1].clone(), w[2].clone()])
        .collect()
}

/// The share (0–100) of `new`'s trigrams that `old` has; 0 when `new` is
/// too short to tell.
pub fn overlap(new: &str, old: &str) -> u8 {
    let a = trigrams(new);
    if a.is_empty() {
        return 0;
    }
    let b = trigrams(old);
    let shared = a.iter().filter(|t| b.contains(*t)).count();
    (shared * 100 / a.len()) as u8
}

/// A repetition found: the newest turn repeats an earlier one.
#[derive(Debug, PartialEq, Eq)]
pub struct Repeat {
    /// Indexes into the turns given.
    pub newest: usize,
    pub earlier: usize,
    pub overlap: u8,
}

/// Whether the last of `turns` repeats one of the [`WINDOW`] before it by
/// `threshold` percent or more (the closest such turn).
pub fn repeats(turns: &[&str], threshold: u8) -> Option<Repeat> {
    let newest = turns.len().checked_sub(1)?;
    let from = newest.saturating_sub(WINDOW);
    (from..newest)
        .map(|i| Repeat {
            newest,
            earlier: i,
            overlap: overlap(turns[newest], turns[i]),
        })
        .filter(|r| r.overlap >= threshold.max(1))
        .max_by_key(|r| (r.overlap, r.earlier))
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "I think the corridor goes on forever, and the hum of the lights is the only thing that stays the same.";
    const B: &str = "Maybe we should count the doors instead: every third one is painted yellow, and none of them open.";

    #[test]
    fn a_turn_said_again_is_found_with_which_one() {
        // Said again with other punctuation and case: still the same words.
        let again = "I think the corridor goes on FOREVER; and the hum of the lights is the only thing that stays the same!";
        assert_eq!(overlap(again, A), 100);
        let r = repeats(&[A, B, again], 80);
        assert_eq!(
            r,
            Some(Repeat {
                newest: 2,
                earlier: 0,
                overlap: 100
            })
        );
    }

    #[test]
    fn different_turns_and_short_ones_do_not_count() {
        assert!(overlap(B, A) < 20);
        assert_eq!(repeats(&[A, B], 80), None);
        // Short answers repeat freely.
        assert_eq!(repeats(&["Yes, go on.", "Yes, go on."], 50), None);
        // Past the window, an old turn is not compared.
        let turns = [A, B, B, B, B, A];
        assert_eq!(repeats(&turns, 80).map(|r| r.earlier), None);
        assert_eq!(repeats(&[], 80), None);
    }

    #[test]
    fn the_threshold_is_the_share_of_new_trigrams() {
        // Half new, half old: about half its trigrams are the old turn's.
        let half = format!("{A} {B}");
        let o = overlap(&half, A);
        assert!((40..=60).contains(&o), "{o}");
        assert!(repeats(&[A, &half], 40).is_some());
        assert!(repeats(&[A, &half], 70).is_none());
    }
}
