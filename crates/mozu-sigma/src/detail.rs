//! The match of a rule the pre-evaluator proved true, built in one pass.
//!
//! rsigma's `evaluate_rule` runs a matching rule's condition twice (a boolean
//! pass, then a pass that records the matched selections) and then runs every
//! matcher of those selections again, lower-casing each value anew, to list
//! the matched fields. When [`crate::fast`] has already proved the rule true,
//! the boolean pass is redundant and the fields can be listed from the view's
//! pre-lowered values. The result is the one `evaluate_rule` gives at
//! `MatchDetailLevel::Off` (the differential tests compare them whole); any
//! shape the fast path cannot decide goes to `evaluate_rule` as before.

use rsigma_eval::compiler::eval_condition;
use rsigma_eval::event::Event;
use rsigma_eval::result::{DetectionBody, FieldMatch, ResultBody, RuleHeader};
use rsigma_eval::{CompiledDetection, CompiledRule, EvaluationResult, evaluate_rule};
use rsigma_parser::ast::{ConditionExpr, Quantifier};

use crate::event::FlatEvent;
use crate::fast::{Tri, detection_holds, field_holds};
use crate::view::EventView;

/// Deepest nesting of detections followed, as in the pre-evaluator.
const MAX_DETECTION_DEPTH: usize = 64;

/// `evaluate_rule(rule, event)` for a rule the pre-evaluator proved true.
pub(crate) fn proven_match(rule: &CompiledRule, event: &FlatEvent, view: &EventView<'_>) -> Option<EvaluationResult> {
    if rule.include_event {
        return evaluate_rule(rule, event);
    }
    for condition in &rule.conditions {
        let mut selections = Vec::new();
        let holds = match selected(condition, rule, view, &mut selections, 0) {
            Some(holds) => holds,
            None => {
                selections.clear();
                eval_condition(condition, &rule.detections, event, &mut selections)
            }
        };
        if !holds {
            continue;
        }
        let mut fields = Vec::new();
        for name in &selections {
            let Some(det) = rule.detections.get(name) else { continue };
            if !collect(det, event, view, &mut fields) {
                return evaluate_rule(rule, event);
            }
        }
        return Some(EvaluationResult {
            header: RuleHeader {
                rule_title: rule.title.clone(),
                rule_id: rule.id.clone(),
                level: rule.level,
                tags: rule.tags.clone(),
                custom_attributes: rule.custom_attributes.clone(),
                enrichments: None,
            },
            body: ResultBody::Detection(DetectionBody {
                matched_selections: selections,
                matched_fields: fields,
                event: None,
            }),
        });
    }
    None
}

/// rsigma's `eval_condition` (truth and the selections it records, in its
/// order: short-circuits, selectors over the detections map's own key order)
/// with detections decided on the pre-lowered view; `None` when a detection
/// is unknown to the fast path.
fn selected(
    expr: &ConditionExpr,
    rule: &CompiledRule,
    view: &EventView<'_>,
    out: &mut Vec<String>,
    depth: usize,
) -> Option<bool> {
    if depth > MAX_DETECTION_DEPTH {
        return None;
    }
    let holds = |det: &CompiledDetection| match detection_holds(det, view) {
        Tri::True => Some(true),
        Tri::False => Some(false),
        Tri::Unknown => None,
    };
    Some(match expr {
        ConditionExpr::Identifier(name) => match rule.detections.get(name) {
            Some(det) => {
                let h = holds(det)?;
                if h {
                    out.push(name.clone());
                }
                h
            }
            None => false,
        },
        ConditionExpr::And(xs) => {
            for x in xs {
                if !selected(x, rule, view, out, depth + 1)? {
                    return Some(false);
                }
            }
            true
        }
        ConditionExpr::Or(xs) => {
            for x in xs {
                if selected(x, rule, view, out, depth + 1)? {
                    return Some(true);
                }
            }
            false
        }
        ConditionExpr::Not(x) => !selected(x, rule, view, out, depth + 1)?,
        ConditionExpr::Selector { quantifier, pattern } => {
            let (mut names, mut hits) = (0u64, 0u64);
            for (name, det) in rule
                .detections
                .iter()
                .filter(|(n, _)| pattern.matches_detection_name(n))
            {
                names += 1;
                if holds(det)? {
                    hits += 1;
                    out.push(name.clone());
                }
            }
            match quantifier {
                Quantifier::Any => hits >= 1,
                Quantifier::All => hits == names,
                Quantifier::Count(n) => hits >= *n,
            }
        }
    })
}

/// rsigma's `collect_detection_fields` at `MatchDetailLevel::Off`, with an
/// explicit stack; false when the fast path cannot decide a step.
fn collect(det: &CompiledDetection, event: &FlatEvent, view: &EventView<'_>, out: &mut Vec<FieldMatch>) -> bool {
    let mut stack: Vec<(&CompiledDetection, usize)> = vec![(det, 0)];
    let mut at: Vec<usize> = Vec::new();
    while let Some((det, depth)) = stack.pop() {
        if depth > MAX_DETECTION_DEPTH {
            return false;
        }
        match det {
            CompiledDetection::AllOf(items) => {
                for item in items {
                    // Keyword items report nothing at `Off`.
                    let Some(field) = &item.field else { continue };
                    at.clear();
                    at.extend(view.positions(field));
                    if at.is_empty() {
                        continue;
                    }
                    match field_holds(&item.matcher, view, &at) {
                        Tri::True => {}
                        Tri::False => continue,
                        Tri::Unknown => return false,
                    }
                    let Some(value) = event.get_field(field) else {
                        return false;
                    };
                    out.push(FieldMatch::new(field.clone(), value.to_json()));
                }
            }
            CompiledDetection::AnyOf(children) | CompiledDetection::And(children) => {
                // Children in order: pushed in reverse onto the stack.
                let mut holding = Vec::new();
                for child in children {
                    match detection_holds(child, view) {
                        Tri::True => holding.push(child),
                        Tri::False => {}
                        Tri::Unknown => return false,
                    }
                }
                stack.extend(holding.into_iter().rev().map(|c| (c, depth + 1)));
            }
            CompiledDetection::ArrayMatch { .. } => return false,
            // Nothing reported at `Off`.
            CompiledDetection::Keywords(_) | CompiledDetection::Conditional { .. } => {}
        }
    }
    true
}
