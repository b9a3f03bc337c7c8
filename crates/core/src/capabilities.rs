//! APP-CAPABILITY: which capabilities an app may have after the wizard, and which additions need the
//! tenant administrators' consent again.

use crate::api::FieldError;
use crate::field::FieldPath;
use crate::finding::{Finding, Rule};
use crate::registration::field_error;
use crate::template::{Capability, Template};

/// The capabilities an app of `template` may have: its defaults and what may be added. Mirroring keeps
/// its configuration (none); WebAPI, Services88 and Webhook agent fit every other template; Database
/// mirroring fits server-side templates; SystemToken claim only server-to-server and ERP; ERPSync agent
/// only ERP; the loopback pattern and the native flag only Native.
pub fn allowed_capabilities(template: Template) -> Vec<Capability> {
    use Capability::*;
    Capability::ALL
        .into_iter()
        .filter(|c| match (template, c) {
            (Template::Mirroring, _) => false,
            (_, WebApi | Services88 | WebhookAgent) => true,
            (Template::ServerToServer | Template::Erp | Template::Empty, DatabaseMirroring) => true,
            (Template::ServerToServer | Template::Erp, SystemTokenClaim) => true,
            (Template::Erp, ErpSyncAgent) => true,
            (Template::Native, LoopbackRedirectPattern | NativeOrMobile) => true,
            _ => false,
        })
        .collect()
}

/// APP-CAPABILITY for the full set after a change; the canonical set is sorted without duplicates.
pub fn check_capabilities(
    template: Template,
    capabilities: &[Capability],
) -> (Vec<FieldError>, Vec<Capability>) {
    let allowed = allowed_capabilities(template);
    let mut canon = capabilities.to_vec();
    canon.sort();
    canon.dedup();
    let errors = canon
        .iter()
        .filter(|c| !allowed.contains(c))
        .map(|c| {
            field_error(
                FieldPath::Capabilities,
                &Finding::error(
                    Rule::AppCapability,
                    format!(
                        "{} is not available to {} apps; remove it.",
                        c.title(),
                        template.title()
                    ),
                ),
            )
        })
        .collect();
    (errors, canon)
}

/// The capabilities added from `before` to `after` that tenant administrators must consent to again
/// (Database mirroring, Webhook agent).
pub fn consent_required(before: &[Capability], after: &[Capability]) -> Vec<Capability> {
    after
        .iter()
        .copied()
        .filter(|c| matches!(c, Capability::DatabaseMirroring | Capability::WebhookAgent))
        .filter(|c| !before.contains(c))
        .collect()
}
