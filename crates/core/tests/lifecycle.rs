//! The publish lifecycle: every request and decision, allowed or refused, for both app types.

use appreg_core::api::{EnvState, Environments};
use appreg_core::lifecycle::{decided, may_request, requestable, Refusal};
use appreg_core::{AppType, Environment};

const STATES: [EnvState; 4] = [
    EnvState::None,
    EnvState::Pending,
    EnvState::Published,
    EnvState::Rejected,
];

fn envs(stage: EnvState, production: EnvState) -> Environments {
    Environments {
        sod: EnvState::Published,
        stage,
        production,
    }
}

/// The rule, spelled out independently of the implementation.
fn expected(app: AppType, e: &Environments, env: Environment) -> Result<(), Refusal> {
    match env {
        Environment::Sod => Err(Refusal::SodIsSelfService),
        _ if e.get(env) == EnvState::Pending => Err(Refusal::AlreadyPending),
        Environment::Production if app == AppType::Standard && e.stage != EnvState::Published => {
            Err(Refusal::StageFirst)
        }
        _ => Ok(()),
    }
}

#[test]
fn every_request_in_every_state_is_allowed_or_refused_by_the_rule() {
    let mut allowed = 0;
    let mut refused = 0;
    for app in [AppType::Custom, AppType::Standard] {
        for stage in STATES {
            for production in STATES {
                let e = envs(stage, production);
                for env in Environment::ALL {
                    let got = may_request(app, &e, env);
                    assert_eq!(
                        got,
                        expected(app, &e, env),
                        "{app:?} {stage:?}/{production:?} → {env:?}"
                    );
                    if got.is_ok() {
                        allowed += 1
                    } else {
                        refused += 1
                    }
                }
                let offered = requestable(app, &e);
                assert!(offered.iter().all(|env| may_request(app, &e, *env).is_ok()));
            }
        }
    }
    assert_eq!(allowed + refused, 2 * 16 * 3);
    assert!(allowed > 0 && refused > 0);
}

#[test]
fn named_cases_of_the_lifecycle() {
    let fresh = envs(EnvState::None, EnvState::None);
    // A custom app may go straight to Production; a standard one goes to Stage first.
    assert_eq!(
        may_request(AppType::Custom, &fresh, Environment::Production),
        Ok(())
    );
    assert_eq!(
        may_request(AppType::Standard, &fresh, Environment::Production),
        Err(Refusal::StageFirst)
    );
    assert_eq!(
        requestable(AppType::Standard, &fresh),
        vec![Environment::Stage]
    );
    assert_eq!(
        requestable(AppType::Custom, &fresh),
        vec![Environment::Stage, Environment::Production]
    );
    let staged = envs(EnvState::Published, EnvState::None);
    assert_eq!(
        requestable(AppType::Standard, &staged),
        vec![Environment::Stage, Environment::Production]
    );
    // SOD is never requested; a pending environment is not requested twice, and locks the app.
    assert_eq!(
        may_request(AppType::Custom, &fresh, Environment::Sod),
        Err(Refusal::SodIsSelfService)
    );
    let pending = envs(EnvState::Pending, EnvState::None);
    assert_eq!(
        may_request(AppType::Custom, &pending, Environment::Stage),
        Err(Refusal::AlreadyPending)
    );
    assert!(pending.locked());
    assert!(!staged.locked());
    // A rejected environment may be requested again.
    let rejected = envs(EnvState::Rejected, EnvState::None);
    assert_eq!(
        may_request(AppType::Standard, &rejected, Environment::Stage),
        Ok(())
    );
    assert_eq!(
        may_request(AppType::Standard, &rejected, Environment::Production),
        Err(Refusal::StageFirst)
    );
}

#[test]
fn decisions_apply_to_pending_requests_only() {
    for current in STATES {
        for approve in [true, false] {
            let got = decided(current, approve);
            match (current, approve) {
                (EnvState::Pending, true) => assert_eq!(got, Ok(EnvState::Published)),
                (EnvState::Pending, false) => assert_eq!(got, Ok(EnvState::Rejected)),
                _ => assert_eq!(got, Err(Refusal::NotPending)),
            }
        }
    }
}

#[test]
fn the_per_environment_map_needs_every_environment() {
    let full = Environments::from_states(Environment::ALL.map(|e| (e, EnvState::None)));
    assert_eq!(
        full,
        Some(envs(EnvState::None, EnvState::None)).map(|mut e| {
            e.sod = EnvState::None;
            e
        })
    );
    assert_eq!(
        Environments::from_states([
            (Environment::Sod, EnvState::Published),
            (Environment::Stage, EnvState::None)
        ]),
        None
    );
    let mut e = envs(EnvState::None, EnvState::None);
    for env in Environment::ALL {
        for s in STATES {
            e.set(env, s);
            assert_eq!(e.get(env), s);
        }
    }
}

#[test]
fn deleting_deletes_unless_published_beyond_sod_and_waits_for_pending_requests() {
    use appreg_core::lifecycle::{deletion, Deletion};
    use EnvState::*;
    for stage in [None, Pending, Published, Rejected] {
        for production in [None, Pending, Published, Rejected] {
            let got = deletion(&envs(stage, production));
            let want = if stage == Pending || production == Pending {
                Err(Refusal::AlreadyPending)
            } else if stage == Published || production == Published {
                Ok(Deletion::Deactivate)
            } else {
                Ok(Deletion::Delete)
            };
            assert_eq!(got, want, "stage {stage:?}, production {production:?}");
        }
    }
}

#[test]
fn capabilities_follow_the_template_and_consent_is_asked_for_mirroring_and_webhooks() {
    use appreg_core::{allowed_capabilities, consent_required, Capability::*, Template};
    assert!(allowed_capabilities(Template::Mirroring).is_empty());
    for t in Template::ALL {
        for c in t.capabilities() {
            assert!(
                allowed_capabilities(t).contains(c),
                "{t:?} keeps its default {c:?}"
            );
        }
    }
    assert!(allowed_capabilities(Template::Erp).contains(&ErpSyncAgent));
    assert!(!allowed_capabilities(Template::ServerToServer).contains(&ErpSyncAgent));
    assert!(!allowed_capabilities(Template::Web).contains(&SystemTokenClaim));
    assert_eq!(
        consent_required(&[WebApi], &[WebApi, WebhookAgent, Services88]),
        [WebhookAgent]
    );
    assert!(consent_required(&[WebhookAgent], &[WebhookAgent]).is_empty());
}
