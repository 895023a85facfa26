//! One configuration's figures: a CSV row, a JSON object, the input of the plots.

use super::Registry;
use crate::config::Config;
use crate::sample::ConfigResult;

/// One configuration's figures, one per metric of a registry, in its order: a CSV row,
/// a JSON object, the input of the plots. `error` set: the configuration failed and
/// carries no figures.
#[derive(Clone, Debug, PartialEq)]
pub struct Figures {
    pub config: Config,
    pub values: Vec<Option<f64>>,
    /// The kernel it was measured on (`uname -r`), where known.
    pub kernel: Option<String>,
    pub error: Option<String>,
}

impl Figures {
    pub fn of(reg: &Registry, r: &ConfigResult) -> Figures {
        Figures {
            config: r.config,
            values: reg.iter().map(|d| d.of(&r.config, &r.total)).collect(),
            kernel: None,
            error: None,
        }
    }

    /// The same figures, saying which kernel they were measured on.
    pub fn on_kernel(mut self, kernel: &str) -> Figures {
        self.kernel = Some(kernel.to_string()).filter(|k| !k.is_empty());
        self
    }

    pub fn failed(reg: &Registry, config: Config, error: String) -> Figures {
        Figures {
            config,
            values: vec![None; reg.len()],
            kernel: None,
            error: Some(error),
        }
    }

    /// The figure of one metric (a [`super::MetricId`], or a name read from a file).
    pub fn get(&self, reg: &Registry, name: impl AsRef<str>) -> Option<f64> {
        let name = name.as_ref();
        let i = reg.iter().position(|m| m.name == name)?;
        self.values.get(i).copied().flatten()
    }
}
