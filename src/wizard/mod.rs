//! The wizard: one route per step, a stepper, Back/Next, and the create (or queue) at the end. The
//! frame every step shares is [`frame`]; each step is its own module.

mod contact;
mod endpoints;
mod frame;
mod name;
mod review;
mod template;
mod urls;

use crate::draft::{first_open_step, step_ok, steps_for, Draft, Step};
use crate::routes::Route;
use crate::rules::{self, Screen};
use crate::state::{use_ctx, Ctx};
use crate::ui::{self, debounced};
use crate::{api, embed};
use appreg_core::{check_name, name_taken_finding, Check, Finding, Template, Validated};
use contact::ContactStep;
use frame::{StepFrame, Stepper};
use leptos::prelude::*;
use name::NameStep;
use review::ReviewStep;
use template::TemplateStep;
use urls::UrlsStep;

/// What every step reads: the core's verdict on the draft and the server's NAME-TAKEN answer.
#[derive(Clone, Copy)]
pub(crate) struct W {
    ctx: Ctx,
    draft: ReadSignal<Draft>,
    template: Memo<Option<Template>>,
    validated: Memo<Option<Validated>>,
    /// The URL rules are still loading (release build, first moments: see [`crate::rules`]). Only
    /// the template and name steps can be judged; the later steps say the checks are loading.
    pending: Memo<bool>,
    name_check: Memo<Check>,
    /// The server says the current name is taken (with its finding).
    taken: Memo<Option<Finding>>,
    /// The availability check: `None` idle, `Some(None)` checking, `Some(Some(ok))` answered
    /// (`ok == false`: it could not be checked, e.g. offline).
    availability: Memo<Option<Option<bool>>>,
    /// The first step still open ([`open_step`]): the shown step is never beyond it.
    open: Memo<Step>,
    /// The step shown: the one asked for, or the first one still open before it.
    step: Memo<Step>,
}

impl W {
    /// Changes the draft (through the app state, which autosaves it).
    fn edit(&self, f: impl FnOnce(&mut Draft)) {
        self.ctx.edit_draft(f);
    }

    fn ok(&self, step: Step) -> bool {
        let taken = self.taken.with(Option::is_some);
        if self.pending.get() {
            return match step {
                Step::Template => self.template.with(Option::is_some),
                Step::Name => !taken && !self.name_check.with(Check::is_error),
                _ => false,
            };
        }
        self.validated
            .with(|v| step_ok(step, self.template.get(), v.as_ref(), taken))
    }

    /// Why Next is disabled, for the line next to it. It points at the field rather than repeating
    /// the field's own message, which is shown (and announced) once, next to the field.
    fn first_error(&self, step: Step) -> Option<String> {
        if step == Step::Template && self.template.get().is_none() {
            return Some("Choose a template to continue.".into());
        }
        if step == Step::Name && self.taken.with(Option::is_some) {
            return Some("To continue, choose a name that is not taken (see above).".into());
        }
        if self.pending.get() {
            return match step {
                Step::Name => self
                    .name_check
                    .with(Check::is_error)
                    .then(|| "To continue, fix the application name (shown above).".into()),
                _ => Some("The checks for this step are still loading.".into()),
            };
        }
        self.validated.with(|v| {
            let errors: Vec<_> = v
                .as_ref()?
                .errors()
                .filter(|e| Step::of_field(&e.field) == step)
                .collect();
            let first = errors.first()?;
            let what = match first.field {
                appreg_core::FieldPath::Name => "the application name",
                appreg_core::FieldPath::TechnicalContact => "the technical contact",
                appreg_core::FieldPath::AppType => "the app type",
                appreg_core::FieldPath::Endpoint(_) | appreg_core::FieldPath::EndpointUrl(_) => {
                    "the endpoints"
                }
                _ => "the redirect URLs",
            };
            Some(match errors.len() {
                1 => format!("To continue, fix {what} (1 error, shown above)."),
                n => format!("To continue, fix {what} ({n} errors, shown above)."),
            })
        })
    }

    fn neighbour(&self, step: Step, delta: isize) -> Option<Step> {
        let steps = steps_for(self.template.get_untracked());
        let i = steps.iter().position(|s| *s == step)? as isize + delta;
        steps.get(usize::try_from(i).ok()?).copied()
    }
}

/// [`first_open_step`], or, while the rules load (`pending`), the first of Template and Name that is
/// not done, else none ([`Step::Review`]).
fn open_step(
    template: Option<Template>,
    v: Option<&Validated>,
    pending: bool,
    name_ok: bool,
    taken: bool,
) -> Step {
    if !pending {
        first_open_step(template, v, taken)
    } else if template.is_none() {
        Step::Template
    } else if !name_ok || taken {
        Step::Name
    } else {
        Step::Review
    }
}

#[component]
pub fn Wizard() -> impl IntoView {
    let ctx = use_ctx();
    let draft = ctx.draft();
    let template = Memo::new(move |_| draft.with(|d| d.template));
    let validated = Memo::new(move |_| draft.with(Draft::validate));
    let pending = Memo::new(move |_| rules::state() != rules::Load::Ready);
    let name_check = Memo::new(move |_| draft.with(|d| check_name(&d.name)));
    let partner = Memo::new(move |_| draft.with(|d| d.partner.clone()));

    // NAME-TAKEN: asked of the server once the name has been still for 300 ms.
    let settled = debounced(move || name_check.with(|c| c.canonical.clone()), 300);
    let answer = ui::read(move || {
        let name = settled.get();
        let partner = partner.get();
        async move {
            let name = name.filter(|n| !n.is_empty())?;
            let res = api::name_available(&partner, &name).await;
            Some((name, res.ok()))
        }
    });
    let current = move || {
        name_check
            .with(|c| c.canonical.clone())
            .filter(|n| !n.is_empty())
    };
    let taken = Memo::new(move |_| {
        let name = current()?;
        let (asked, res) = answer.get().flatten()?;
        let a = res.filter(|_| asked == name)?;
        (!a.available).then(|| a.taken().unwrap_or_else(|| name_taken_finding(&name)))
    });
    let availability = Memo::new(move |_| {
        let name = current()?;
        match answer.get().flatten() {
            Some((asked, res)) if asked == name => Some(Some(res.is_some())),
            _ => Some(None),
        }
    });

    let requested = Memo::new(move |_| match ctx.route().get() {
        Route::Wizard(s) => s,
        _ => Step::Template,
    });
    // While the rules load, the steps after Name cannot be judged yet, so they do not hold the
    // user back.
    let open = Memo::new(move |_| {
        validated.with(|v| {
            open_step(
                template.get(),
                v.as_ref(),
                pending.get(),
                !name_check.with(Check::is_error),
                taken.with(Option::is_some),
            )
        })
    });
    let step = Memo::new(move |_| {
        let open = open.get();
        let asked = requested.get();
        let in_flow = steps_for(template.get()).contains(&asked);
        if asked <= open && in_flow {
            asked
        } else {
            open
        }
    });
    Effect::new(move |_| {
        let s = step.get();
        if requested.get() != s {
            // After this run, not inside it: a route written while `requested` is being read
            // would leave that memo stale, and the next address typed with the same step ignored.
            // It checks again then (the wizard may have moved on, or be gone).
            queue_microtask(move || {
                let (Some(s), Some(asked)) =
                    (step.try_get_untracked(), requested.try_get_untracked())
                else {
                    return;
                };
                if asked != s {
                    ctx.replace(Route::Wizard(s));
                }
            });
        }
    });

    let w = W {
        ctx,
        draft,
        template,
        validated,
        pending,
        name_check,
        taken,
        availability,
        open,
        step,
    };
    // The host page hears which step is shown (`appreg:step`) and whether it is complete
    // (`appreg:validity`, again whenever that changes).
    let verdict = Memo::new(move |_| {
        let s = step.get();
        (s, w.ok(s))
    });
    Effect::new(move |was: Option<(Step, bool)>| {
        let (s, ok) = verdict.get();
        if !matches!(ctx.route().get_untracked(), Route::Wizard(_)) {
            // Leaving the wizard (created or cancelled): its fresh draft is not news for the host.
            return (s, ok);
        }
        let host = ctx.host();
        if was.map(|w| w.0) != Some(s) {
            embed::dispatch_step(host.as_ref(), s, template.get_untracked());
        }
        if was != Some((s, ok)) {
            embed::dispatch_validity(host.as_ref(), s, ok);
        }
        (s, ok)
    });
    view! {
        <div class="wizard">
            <h1>"Register an app"</h1>
            <Stepper w=w />
            {move || match step.get() {
                Step::Template => view! { <TemplateStep w=w /> }.into_any(),
                Step::Name => view! { <NameStep w=w /> }.into_any(),
                s => view! { <LaterStep w=w step=s /> }.into_any(),
            }}
        </div>
    }
}

/// A step after Name: drawn by the rules' module ([`rules::screen`]); until it is there, the step's
/// frame says it is loading (Back and Cancel work, Next waits).
#[component]
fn LaterStep(w: W, step: Step) -> impl IntoView {
    move || {
        rules::screen(Screen::Step(step, w)).unwrap_or_else(|| {
            let title = step.title(w.template.get_untracked());
            view! { <StepFrame w=w step=step title=title>""</StepFrame> }.into_any()
        })
    }
}

/// The steps after Name (see [`LaterStep`]).
pub(crate) fn later_step(step: Step, w: W) -> AnyView {
    match step {
        Step::Urls => view! { <UrlsStep w=w /> }.into_any(),
        Step::Contact => view! { <ContactStep w=w /> }.into_any(),
        _ => view! { <ReviewStep w=w /> }.into_any(),
    }
}
