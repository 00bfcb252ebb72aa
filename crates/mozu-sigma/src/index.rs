//! Per-bucket candidate selection over the clauses of [`crate::prefilter`].
//!
//! One Aho-Corasick automaton per field (and one for keywords) finds, in a
//! single pass over each lower-cased value, every needle atom that holds;
//! presence atoms hold by the field being there. A rule is *triggered* by an
//! atom of its most selective clause and kept only if all its clauses hold.
//! Rules with no known condition are always candidates.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rsigma_eval::CompiledRule;

use crate::event::fnv1a;
use crate::prefilter::{Atom, Clause, analyse, best_clause};
use crate::view::{EventView, JOIN_SEPARATOR};

type AtomId = u32;

/// Hasher for keys that are already FNV-1a hashes of field names.
#[derive(Default)]
struct PrehashedKey(u64);

impl Hasher for PrehashedKey {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type ByHash<V> = HashMap<u64, V, BuildHasherDefault<PrehashedKey>>;

#[derive(Default)]
struct FieldAtoms {
    name: String,
    present: Vec<AtomId>,
    equals: HashMap<String, Vec<AtomId>>,
    numbers: HashMap<u64, Vec<AtomId>>,
    needles: Vec<(String, AtomId)>,
    /// Atoms of `needles` from case-insensitive regexes: all hold on a non-ASCII value.
    folded: Vec<AtomId>,
    automaton: Option<AhoCorasick>,
}

/// Whether two sorted atom lists share an atom: the shorter list is walked
/// and looked up in the longer (a clause from a long `|contains` list holds
/// hundreds of atoms, an event's hits about ten).
fn intersects(a: &[AtomId], b: &[AtomId]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.iter().any(|x| long.binary_search(x).is_ok())
}

/// Candidate rules of one bucket for an event.
pub(crate) struct CandidateIndex {
    fields: ByHash<Vec<FieldAtoms>>,
    keywords: Vec<(String, AtomId)>,
    keyword_automaton: Option<AhoCorasick>,
    /// Keywords holding the separator of the joined values: taken as holding.
    unsearchable_keywords: Vec<AtomId>,
    /// Per rule: its clauses as atom ids; all must hold.
    clauses: Vec<Vec<Vec<AtomId>>>,
    /// Atom → rules whose trigger clause contains it.
    triggers: Vec<Vec<u32>>,
    always: Vec<u32>,
}

/// An overlapping-search automaton over `needles`. `prefilter` lets it skip
/// ahead to bytes its needles hold: that pays over the long joined text of the
/// keyword search, not over field values. Over the regression events the
/// field automata cost 5 % of an event's instructions more with it (246k →
/// 232k Ir per event without): bytes rare in general text are common in
/// Windows paths and command lines, and each stop restarts the search.
fn automaton(needles: &[(String, AtomId)], prefilter: bool) -> Option<AhoCorasick> {
    if needles.is_empty() {
        return None;
    }
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .prefilter(prefilter)
        .build(needles.iter().map(|(n, _)| n.as_str()))
        .ok()
}

impl CandidateIndex {
    /// Analyses every rule; `rules[i]` is candidate `i`.
    pub(crate) fn build(rules: &[CompiledRule]) -> Self {
        let mut ids: HashMap<Atom, AtomId> = HashMap::new();
        let mut index = CandidateIndex {
            fields: ByHash::default(),
            keywords: Vec::new(),
            keyword_automaton: None,
            unsearchable_keywords: Vec::new(),
            clauses: Vec::with_capacity(rules.len()),
            triggers: Vec::new(),
            always: Vec::new(),
        };
        for (i, rule) in rules.iter().enumerate() {
            let rule_no = u32::try_from(i).unwrap_or(u32::MAX);
            let Some(clauses) = analyse(rule) else {
                index.always.push(rule_no);
                index.clauses.push(Vec::new());
                continue;
            };
            let trigger: Clause = best_clause(&clauses).cloned().unwrap_or_default();
            let as_ids = clauses
                .iter()
                .map(|c| {
                    let mut ids: Vec<AtomId> = c.iter().map(|a| index.atom_id(&mut ids, a)).collect();
                    ids.sort_unstable();
                    ids
                })
                .collect();
            for atom in &trigger {
                let id = index.atom_id(&mut ids, atom) as usize;
                if let Some(list) = index.triggers.get_mut(id) {
                    list.push(rule_no);
                }
            }
            index.clauses.push(as_ids);
        }
        for f in index.fields.values_mut().flatten() {
            f.automaton = automaton(&f.needles, false);
        }
        index.keyword_automaton = automaton(&index.keywords, true);
        index
    }

    fn field_mut(&mut self, name: &str) -> &mut FieldAtoms {
        let list = self.fields.entry(fnv1a(name)).or_default();
        let at = match list.iter().position(|f| f.name == name) {
            Some(at) => at,
            None => {
                list.push(FieldAtoms {
                    name: name.to_owned(),
                    ..FieldAtoms::default()
                });
                list.len() - 1
            }
        };
        &mut list[at]
    }

    fn atom_id(&mut self, ids: &mut HashMap<Atom, AtomId>, atom: &Atom) -> AtomId {
        if let Some(&id) = ids.get(atom) {
            return id;
        }
        let id = u32::try_from(self.triggers.len()).unwrap_or(u32::MAX);
        self.triggers.push(Vec::new());
        match atom {
            Atom::Present(f) => self.field_mut(f).present.push(id),
            Atom::Contains(f, n) => self.field_mut(f).needles.push((n.clone(), id)),
            Atom::FoldedContains(f, n) => {
                let field = self.field_mut(f);
                field.needles.push((n.clone(), id));
                field.folded.push(id);
            }
            Atom::Equals(f, v) => self.field_mut(f).equals.entry(v.clone()).or_default().push(id),
            Atom::Number(f, bits) => self.field_mut(f).numbers.entry(*bits).or_default().push(id),
            Atom::Keyword(n) if n.contains(JOIN_SEPARATOR) => self.unsearchable_keywords.push(id),
            Atom::Keyword(n) => self.keywords.push((n.clone(), id)),
        }
        ids.insert(atom.clone(), id);
        id
    }

    /// Rule numbers worth evaluating for the event, ascending.
    pub(crate) fn candidates(&self, view: &EventView<'_>) -> Vec<u32> {
        let mut hits: Vec<AtomId> = Vec::new();
        // Keywords are searched once over all values joined (see the view);
        // first, so that the field look-ups below slice the same buffer.
        if let Some(ac) = &self.keyword_automaton {
            for m in ac.find_overlapping_iter(view.joined_lowered()) {
                if let Some((_, id)) = self.keywords.get(m.pattern().as_usize()) {
                    hits.push(*id);
                }
            }
        }
        hits.extend_from_slice(&self.unsearchable_keywords);
        for (i, hash, key, _) in view.event.spans() {
            let field = self.fields.get(&hash).and_then(|l| l.iter().find(|f| f.name == key));
            if let Some(f) = field {
                hits.extend_from_slice(&f.present);
                if !f.folded.is_empty() && !view.value(i).is_ascii() {
                    hits.extend_from_slice(&f.folded);
                }
                if let Some(ids) = (!f.equals.is_empty()).then(|| f.equals.get(view.lowered(i))).flatten() {
                    hits.extend_from_slice(ids);
                }
                if !f.numbers.is_empty()
                    && let Ok(v) = view.value(i).parse::<f64>()
                    && let Some(ids) = f.numbers.get(&v.to_bits())
                {
                    hits.extend_from_slice(ids);
                }
                if let Some(ac) = &f.automaton {
                    for m in ac.find_overlapping_iter(view.lowered(i)) {
                        if let Some((_, id)) = f.needles.get(m.pattern().as_usize()) {
                            hits.push(*id);
                        }
                    }
                }
            }
        }
        hits.sort_unstable();
        hits.dedup();
        let mut out: Vec<u32> = self.always.clone();
        for &atom in &hits {
            if let Some(rules) = self.triggers.get(atom as usize) {
                out.extend_from_slice(rules);
            }
        }
        out.sort_unstable();
        out.dedup();
        out.retain(|&r| {
            self.clauses
                .get(r as usize)
                .is_some_and(|clauses| clauses.iter().all(|clause| intersects(clause, &hits)))
        });
        out
    }
}
