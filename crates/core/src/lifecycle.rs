//! The publish lifecycle, per environment: which requests are allowed, what a decision does, and when a
//! configuration is locked. The server enforces it and the SPA offers only what it allows, from this one
//! place.
//!
//! SOD is published at creation (self-service). Stage and Production go through the app manager: a
//! request makes the environment `pending` (the configuration is locked until the decision), approval
//! makes it `published`, rejection `rejected` (unlocked to fix, and requestable again). A standard app
//! goes to Stage before Production.

use crate::api::{EnvState, Environments};
use crate::template::{AppType, Environment};

impl Environments {
    /// The state of one environment.
    pub fn get(&self, env: Environment) -> EnvState {
        match env {
            Environment::Sod => self.sod,
            Environment::Stage => self.stage,
            Environment::Production => self.production,
        }
    }

    /// Sets the state of one environment.
    pub fn set(&mut self, env: Environment, state: EnvState) {
        match env {
            Environment::Sod => self.sod = state,
            Environment::Stage => self.stage = state,
            Environment::Production => self.production = state,
        }
    }

    /// Builds the map from one state per environment; `None` when an environment is missing.
    pub fn from_states(
        states: impl IntoIterator<Item = (Environment, EnvState)>,
    ) -> Option<Environments> {
        let (mut sod, mut stage, mut production) = (None, None, None);
        for (env, state) in states {
            match env {
                Environment::Sod => sod = Some(state),
                Environment::Stage => stage = Some(state),
                Environment::Production => production = Some(state),
            }
        }
        Some(Environments {
            sod: sod?,
            stage: stage?,
            production: production?,
        })
    }

    /// While a request is pending anywhere, the configuration is locked.
    pub fn locked(&self) -> bool {
        Environment::ALL
            .iter()
            .any(|e| self.get(*e) == EnvState::Pending)
    }
}

/// Why a request to publish is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// SOD is published at creation; there is nothing to request.
    SodIsSelfService,
    /// A standard app is published to Stage before Production.
    StageFirst,
    /// A request for this environment is already waiting for the app manager.
    AlreadyPending,
    /// The app manager decides only pending requests.
    NotPending,
}

impl Refusal {
    /// What the user is told.
    pub fn message(self, env: Environment) -> String {
        match self {
            Refusal::SodIsSelfService => {
                "SOD is published when the app is created; request Stage or Production.".into()
            }
            Refusal::StageFirst => {
                "A standard app is published to Stage first; request Stage, then Production.".into()
            }
            Refusal::AlreadyPending => {
                format!(
                    "A request to publish to {} is already pending.",
                    env.title()
                )
            }
            Refusal::NotPending => format!(
                "The request for {} is not pending any more; reload to see its decision.",
                env.title()
            ),
        }
    }
}

/// Whether a request to publish `app` to `env` may be made now.
pub fn may_request(
    app_type: AppType,
    envs: &Environments,
    env: Environment,
) -> Result<(), Refusal> {
    if env == Environment::Sod {
        return Err(Refusal::SodIsSelfService);
    }
    if envs.get(env) == EnvState::Pending {
        return Err(Refusal::AlreadyPending);
    }
    if env == Environment::Production
        && app_type == AppType::Standard
        && envs.stage != EnvState::Published
    {
        return Err(Refusal::StageFirst);
    }
    Ok(())
}

/// The environments a request may be made for now, in order (what the publish picker offers).
pub fn requestable(app_type: AppType, envs: &Environments) -> Vec<Environment> {
    Environment::ALL
        .into_iter()
        .filter(|e| may_request(app_type, envs, *e).is_ok())
        .collect()
}

/// The state after the app manager approves or rejects a request in state `current`.
pub fn decided(current: EnvState, approve: bool) -> Result<EnvState, Refusal> {
    match (current, approve) {
        (EnvState::Pending, true) => Ok(EnvState::Published),
        (EnvState::Pending, false) => Ok(EnvState::Rejected),
        _ => Err(Refusal::NotPending),
    }
}

/// What deleting an app does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deletion {
    /// Never published beyond SOD: the app is deleted (its name is free again).
    Delete,
    /// Published to Stage or Production: the app is deactivated (listed, read-only).
    Deactivate,
}

/// Deleting an app: refused while a request is pending; deleted when never published beyond SOD
/// (Stage and Production none or rejected), deactivated otherwise.
pub fn deletion(envs: &Environments) -> Result<Deletion, Refusal> {
    if envs.locked() {
        return Err(Refusal::AlreadyPending);
    }
    let published = [envs.stage, envs.production].contains(&EnvState::Published);
    Ok(if published {
        Deletion::Deactivate
    } else {
        Deletion::Delete
    })
}
