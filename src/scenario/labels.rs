//! People's names for a scenario's values (issue 30): "Learning disability:
//! supported living unit cost" where the file says
//! `service.learning_disability.setting.supported_living.unit_cost`.
//!
//! The tornado, `sensitivity`'s table, the board report and the workbook
//! show these names; the machine formats (CSV, JSON) keep the key path,
//! which `--set` takes, beside them. A value the scenario shares (a
//! service without its own inflation takes the pool's) is named once, for
//! where it is written.

use super::model::{CostRatio, ParamId, SavingSize, Scenario};

/// A name as it reads inside a sentence: "Supported living" becomes
/// "supported living", but "NHS continuing care" keeps its capitals.
fn in_sentence(name: &str) -> String {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            first.to_lowercase().chain(name.chars().skip(1)).collect()
        }
        _ => name.to_string(),
    }
}

impl Scenario {
    /// Every value's name for people, by [`ParamId`]; the key path where
    /// none is known.
    pub fn labels(&self) -> Vec<String> {
        let mut labels: Vec<Option<String>> = vec![None; self.params.len()];
        let mut name = |id: ParamId, text: String| {
            if let Some(slot @ None) = labels.get_mut(id.0) {
                *slot = Some(text);
            }
        };
        // The pool's assumptions first: a service that takes them shares
        // their values.
        name(self.inflation, "Inflation (pool assumption)".into());
        name(self.growth, "Demand growth (pool assumption)".into());
        name(self.deflator, "Deflator to real terms".into());
        name(self.optimism_bias.costs, "Optimism bias on costs".into());
        name(
            self.optimism_bias.savings,
            "Optimism bias on savings".into(),
        );
        for service in &self.services {
            let of = |what: &str| format!("{}: {what}", service.name);
            name(service.growth, of("demand growth"));
            name(service.inflation, of("inflation"));
            for setting in &service.settings {
                if let Some(id) = setting.unit_cost {
                    name(id, of(&format!("{} unit cost", in_sentence(&setting.name))));
                }
            }
            if let Some(shift) = &service.shift {
                let from = service
                    .settings
                    .get(shift.from)
                    .map_or("from".to_string(), |k| in_sentence(&k.name));
                name(
                    shift.target_share,
                    of(&format!("{from} target share by {}", self.year(shift.by))),
                );
                if let CostRatio::Given(id) = shift.cost_ratio {
                    name(id, of("cost of moved care (cost ratio)"));
                }
                name(
                    shift.optimism_bias,
                    of("optimism bias on the shift's savings"),
                );
            }
        }
        for saving in &self.savings {
            match saving.size {
                SavingSize::Rate(id) => name(id, format!("{}: saving rate", saving.name)),
                SavingSize::Amount(id) => name(id, format!("{}: saving a year", saving.name)),
            }
            name(
                saving.optimism_bias,
                format!("{}: optimism bias", saving.name),
            );
        }
        for cost in &self.costs {
            for (t, &id) in (1u32..).zip(&cost.amounts) {
                name(id, format!("{}: cost in {}", cost.name, self.year(t)));
            }
            name(cost.optimism_bias, format!("{}: optimism bias", cost.name));
        }
        for variance in &self.variances {
            for (t, &id) in (1u32..).zip(&variance.amounts) {
                name(
                    id,
                    format!("{}: variance in {}", variance.name, self.year(t)),
                );
            }
        }
        for line in &self.workforce {
            name(line.cost_per_head, format!("{}: cost per head", line.name));
            if let Some(r) = &line.reduction {
                name(r.heads, format!("{}: posts reduced", line.name));
            }
            if let Some(id) = line.redundancy_cost {
                name(id, format!("{}: redundancy cost a post", line.name));
            }
        }
        labels
            .into_iter()
            .zip(&self.params)
            .map(|(label, p)| label.unwrap_or_else(|| p.name.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::in_sentence;

    #[test]
    fn names_read_inside_a_sentence() {
        assert_eq!(in_sentence("Supported living"), "supported living");
        assert_eq!(in_sentence("NHS continuing care"), "NHS continuing care");
        assert_eq!(in_sentence("home care"), "home care");
    }
}
