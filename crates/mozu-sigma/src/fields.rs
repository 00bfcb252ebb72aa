//! The event fields a set of rules can read.
//!
//! Mail rules run over a flattened message record of thousands of pairs
//! (bodies, every link, every artifact) while the rules read a handful of
//! fields. Knowing those fields lets the caller flatten only the parts of
//! the record a rule can see. The walk is conservative: anything that may
//! read an arbitrary field (keywords, `%field%` placeholders, a construct
//! this walk does not know) answers "every field".

use std::collections::HashSet;

use rsigma_eval::{CompiledDetection, CompiledMatcher, CompiledRule};

use crate::detector::Detector;

/// Nodes visited per rule at most; a larger rule answers "every field".
const MAX_NODES_PER_RULE: usize = 100_000;

impl Detector {
    /// Every field a rule of this detector may read, or `None` when some
    /// rule may read any field.
    pub fn referenced_fields(&self) -> Option<HashSet<String>> {
        let mut out = HashSet::new();
        for rule in self.compiled_rules() {
            if !rule_fields(rule, &mut out) {
                return None;
            }
        }
        Some(out)
    }
}

enum Node<'r> {
    Detection(&'r CompiledDetection),
    Matcher(&'r CompiledMatcher),
}

/// Adds the fields `rule` reads to `out`; false when it may read any.
fn rule_fields(rule: &CompiledRule, out: &mut HashSet<String>) -> bool {
    let mut stack: Vec<Node<'_>> = rule.detections.values().map(Node::Detection).collect();
    let mut visited = 0usize;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_NODES_PER_RULE {
            return false;
        }
        let known = match node {
            Node::Detection(d) => detection(d, out, &mut stack),
            Node::Matcher(m) => matcher(m, out, &mut stack),
        };
        if !known {
            return false;
        }
    }
    true
}

fn detection<'r>(d: &'r CompiledDetection, out: &mut HashSet<String>, stack: &mut Vec<Node<'r>>) -> bool {
    match d {
        CompiledDetection::AllOf(items) => {
            for item in items {
                let Some(field) = &item.field else {
                    return false;
                };
                out.insert(field.clone());
                stack.push(Node::Matcher(&item.matcher));
            }
            true
        }
        CompiledDetection::AnyOf(ds) | CompiledDetection::And(ds) => {
            stack.extend(ds.iter().map(Node::Detection));
            true
        }
        CompiledDetection::Keywords(_) => false,
        // Fields inside the body are relative to the array's members,
        // which are part of the array field itself.
        CompiledDetection::ArrayMatch { field, .. } => {
            out.insert(field.clone());
            true
        }
        CompiledDetection::Conditional { named, .. } => {
            stack.extend(named.values().map(Node::Detection));
            true
        }
    }
}

fn matcher<'r>(m: &'r CompiledMatcher, out: &mut HashSet<String>, stack: &mut Vec<Node<'r>>) -> bool {
    match m {
        CompiledMatcher::FieldRef { field, .. } => {
            out.insert(field.clone());
            true
        }
        CompiledMatcher::Not(inner) | CompiledMatcher::TimestampPart { inner, .. } => {
            stack.push(Node::Matcher(inner));
            true
        }
        CompiledMatcher::AnyOf(children)
        | CompiledMatcher::AllOf(children)
        | CompiledMatcher::CaseInsensitiveGroup { children, .. } => {
            stack.extend(children.iter().map(Node::Matcher));
            true
        }
        CompiledMatcher::Exact { .. }
        | CompiledMatcher::Contains { .. }
        | CompiledMatcher::StartsWith { .. }
        | CompiledMatcher::EndsWith { .. }
        | CompiledMatcher::Regex(_)
        | CompiledMatcher::AhoCorasickSet { .. }
        | CompiledMatcher::RegexSetMatch { .. }
        | CompiledMatcher::Cidr(_)
        | CompiledMatcher::NumericEq(_)
        | CompiledMatcher::NumericGt(_)
        | CompiledMatcher::NumericGte(_)
        | CompiledMatcher::NumericLt(_)
        | CompiledMatcher::NumericLte(_)
        | CompiledMatcher::Exists(_)
        | CompiledMatcher::Null
        | CompiledMatcher::BoolEq(_) => true,
        // `%field%` placeholders name fields at match time.
        CompiledMatcher::Expand { .. } => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::{RuleSet, Rules};

    fn fields_of(yaml: &str) -> Option<Vec<String>> {
        let mut set = RuleSet::new();
        set.add_str("t.yml", yaml);
        let rules = Rules::compile(set);
        assert_eq!(rules.failure_count(), 0, "{:?}", rules.diagnostics);
        let mut v: Vec<String> = rules.detector.referenced_fields()?.into_iter().collect();
        v.sort();
        Some(v)
    }

    #[test]
    fn fields_of_rules_and_what_reads_any_field() {
        let head = "title: t\nlogsource: {product: mozu, category: mail}\nlevel: low\n";
        let cases: [(&str, Option<&[&str]>); 4] = [
            (
                "detection:\n  a: {subject|contains: x, from.domain: y}\n  b:\n    - {urls.host|re: 'a.*'}\n    - {attachments.name|endswith: .zip}\n  n: {verdict.level: clean}\n  condition: (a or b) and not n\n",
                Some(&[
                    "attachments.name",
                    "from.domain",
                    "subject",
                    "urls.host",
                    "verdict.level",
                ]),
            ),
            (
                "detection:\n  r: {reply_to.domain|fieldref: from.domain}\n  condition: r\n",
                Some(&["from.domain", "reply_to.domain"]),
            ),
            ("detection:\n  k: [evil, bad]\n  condition: k\n", None),
            (
                "detection:\n  k: {subject|contains: a}\n  w: ['x']\n  condition: k or w\n",
                None,
            ),
        ];
        for (detection, want) in &cases {
            let got = fields_of(&format!("{head}{detection}"));
            assert_eq!(
                got,
                want.map(|w| w.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
                "{detection}"
            );
        }
        assert_eq!(cases.len(), 4);
    }
}
