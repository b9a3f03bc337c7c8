//! The one fake server every test runs against.

use appreg_core::api::{
    Application, ApplicationPage, ClientIds, CreateApplication, EnvState, Environments, Me,
    NameAvailability, NewSecret, PartnerMembership, Role, SessionInfo, User, UserSummary,
};
use appreg_core::{check_name, name_taken_finding, AppType, Environment, Template};
use appreg_web::api::{self, HttpRequest, HttpResponse};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
pub(crate) fn me() -> Me {
    Me {
        user: User {
            id: "u1".into(),
            email: "alice@example.com".into(),
            name: "Alice Admin".into(),
        },
        partners: vec![
            PartnerMembership {
                id: "p1".into(),
                name: "Acme".into(),
                role: Role::Administrator,
            },
            PartnerMembership {
                id: "p2".into(),
                name: "Globex".into(),
                role: Role::Developer,
            },
        ],
        app_manager: false,
    }
}

pub(crate) fn application(id: &str, body: &CreateApplication) -> Application {
    Application {
        id: id.into(),
        partner_id: "p1".into(),
        name: body.name.clone(),
        template: body.template,
        app_type: body.app_type,
        capabilities: body.template.capabilities().to_vec(),
        client_ids: ClientIds {
            sod: "0123456789abcdef0123456789abcdef".into(),
            stage: "1123456789abcdef0123456789abcdef".into(),
            production: "2123456789abcdef0123456789abcdef".into(),
        },
        redirect_urls: body.redirect_urls.clone(),
        post_logout_urls: vec![],
        cors_urls: vec![],
        endpoints: body.endpoints.clone(),
        technical_contact: body.technical_contact.clone(),
        environments: Environments {
            sod: EnvState::Published,
            stage: EnvState::None,
            production: EnvState::None,
        },
        created_at: "2026-11-27T10:00:00Z".into(),
        status: Default::default(),
        deleted_at: None,
        restorable_until: None,
        error_emails: Default::default(),
        keys_expire_at: None,
    }
}

pub(crate) fn existing(n: usize, partner: &str) -> ApplicationPage {
    let items = (0..n)
        .map(|i| {
            let mut a = application(
                &format!("a{i}"),
                &CreateApplication {
                    template: Template::Web,
                    app_type: AppType::Custom,
                    name: format!("{partner} app {i}"),
                    redirect_urls: vec!["https://app.example.com/cb".into()],
                    endpoints: Default::default(),
                    technical_contact: "alice@example.com".into(),
                },
            );
            a.partner_id = partner.into();
            a
        })
        .collect();
    ApplicationPage {
        items,
        next_cursor: None,
    }
}

/// The server's name search (`query`), as the real list does it.
fn searched(mut page: ApplicationPage, url: &str) -> ApplicationPage {
    let q = query_param(url, "query").to_lowercase();
    page.items.retain(|a| a.name.to_lowercase().contains(&q));
    page
}

pub(crate) fn ok<T: serde::Serialize>(status: u16, v: &T) -> HttpResponse {
    HttpResponse {
        status,
        body: serde_json::to_string(v).unwrap(),
        etag: Some("\"v1\"".into()),
        stored_at: None,
    }
}

pub(crate) fn query_param(url: &str, name: &str) -> String {
    let u = web_sys::Url::new_with_base(url, "http://x.invalid").unwrap();
    u.search_params().get(name).unwrap_or_default()
}

#[derive(Clone, Default)]
pub(crate) struct Server {
    pub(crate) log: Rc<RefCell<Vec<HttpRequest>>>,
    pub(crate) signed_in: Rc<Cell<bool>>,
    pub(crate) apps: Rc<Cell<usize>>,
    /// The other device's session was ended.
    pub(crate) ended: Rc<Cell<bool>>,
}

impl Server {
    pub(crate) fn requests(&self, method: &str, path_part: &str) -> Vec<HttpRequest> {
        self.log
            .borrow()
            .iter()
            .filter(|r| r.method == method && r.url.contains(path_part))
            .cloned()
            .collect()
    }

    pub(crate) fn handle(&self, req: &HttpRequest) -> HttpResponse {
        let path = req.url.split('?').next().unwrap_or_default().to_string();
        let path = path.trim_start_matches("/api/v1");
        match (req.method, path) {
            ("POST", "/session") => {
                self.signed_in.set(true);
                HttpResponse {
                    status: 204,
                    body: String::new(),
                    etag: None,
                    stored_at: None,
                }
            }
            ("GET", "/me") if self.signed_in.get() => ok(200, &me()),
            ("GET", "/me") => HttpResponse {
                status: 401,
                body: r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":""}"#
                    .into(),
                etag: None,
                stored_at: None,
            },
            ("GET", "/sessions") => {
                let session = |id: &str, agent: &str, current: bool| SessionInfo {
                    id: id.into(),
                    created_at: "2026-11-27T08:00:00.000Z".into(),
                    last_seen_at: "2026-11-27T09:00:00.000Z".into(),
                    expires_at: "2026-11-27T20:00:00.000Z".into(),
                    user_agent: agent.into(),
                    ip: "192.0.2.1".into(),
                    current,
                };
                let mut list = vec![session("s1", "Firefox on Linux", true)];
                if !self.ended.get() {
                    list.push(session("s2", "Safari on iPhone", false));
                }
                ok(200, &list)
            }
            ("DELETE", "/sessions/s2") => {
                self.ended.set(true);
                HttpResponse {
                    status: 204,
                    body: String::new(),
                    etag: None,
                    stored_at: None,
                }
            }
            ("GET", "/partners/p1/applications") => {
                ok(200, &searched(existing(self.apps.get(), "p1"), &req.url))
            }
            ("GET", "/partners/p2/applications") => {
                ok(200, &searched(existing(12, "p2"), &req.url))
            }
            ("GET", "/partners/p1/applications/name-available") => {
                let name = query_param(&req.url, "name");
                let taken = name.eq_ignore_ascii_case("Taken App");
                let mut check = check_name(&name);
                if taken {
                    check.push(name_taken_finding("Taken App"));
                }
                ok(
                    200,
                    &NameAvailability {
                        available: !taken,
                        check,
                    },
                )
            }
            ("GET", "/partners/p1/users") => {
                let prefix = query_param(&req.url, "email_prefix");
                let users: Vec<UserSummary> = [("u2", "bob@example.com", "Bob Builder")]
                    .into_iter()
                    .filter(|(_, e, _)| e.starts_with(&prefix))
                    .map(|(id, email, name)| UserSummary {
                        id: id.into(),
                        email: email.into(),
                        name: name.into(),
                    })
                    .collect();
                ok(200, &users)
            }
            ("POST", "/partners/p1/applications") => {
                let body: CreateApplication =
                    serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
                ok(201, &application("new1", &body))
            }
            ("GET", "/applications/new1") => ok(
                200,
                &application(
                    "new1",
                    &CreateApplication {
                        template: Template::Web,
                        app_type: AppType::Standard,
                        name: "Reloaded".into(),
                        redirect_urls: vec![],
                        endpoints: Default::default(),
                        technical_contact: "alice@example.com".into(),
                    },
                ),
            ),
            ("PATCH", "/applications/new1") => {
                if req.header("If-Match") != Some("\"v1\"") {
                    return HttpResponse {
                        status: 412,
                        body: r#"{"type":"about:blank","title":"Precondition Failed","status":412,"detail":""}"#.into(),
                        etag: None,
                        stored_at: None,
                    };
                }
                let patch: appreg_core::api::ApplicationPatch =
                    serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
                let mut app = application(
                    "new1",
                    &CreateApplication {
                        template: Template::Web,
                        app_type: AppType::Standard,
                        name: "Reloaded".into(),
                        redirect_urls: patch.redirect_urls.unwrap_or_default(),
                        endpoints: Default::default(),
                        technical_contact: "alice@example.com".into(),
                    },
                );
                app.cors_urls = patch.cors_urls.unwrap_or_default();
                app.post_logout_urls = patch.post_logout_urls.unwrap_or_default();
                let mut r = ok(200, &app);
                r.etag = Some("\"v2\"".into());
                r
            }
            ("GET", "/applications/new1/secrets")
            | ("GET", "/applications/new1/certificates")
            | ("GET", "/applications/new1/publish-requests") => HttpResponse {
                status: 200,
                body: "[]".into(),
                etag: None,
                stored_at: None,
            },
            ("POST", "/applications/new1/secrets") => ok(
                201,
                &NewSecret {
                    id: "s1".into(),
                    environment: Environment::Sod,
                    description: String::new(),
                    secret: "S3CRET-value-shown-once".into(),
                    last4: "once".into(),
                    created_at: "2026-11-27T10:00:00Z".into(),
                    expires_at: "2027-11-27T10:00:00Z".into(),
                },
            ),
            _ => HttpResponse {
                status: 404,
                body: r#"{"type":"about:blank","title":"Not Found","status":404,"detail":""}"#
                    .into(),
                etag: None,
                stored_at: None,
            },
        }
    }

    /// Installs this fake as the SPA's network layer; while `offline` is set, requests fail as
    /// network errors.
    pub(crate) fn install(&self, offline: Rc<Cell<bool>>) {
        let me = self.clone();
        api::set_transport(Some(Rc::new(move |req: HttpRequest| {
            let me = me.clone();
            let offline = offline.clone();
            Box::pin(async move {
                if offline.get() {
                    return Err("Failed to fetch".to_string());
                }
                me.log.borrow_mut().push(req.clone());
                Ok(me.handle(&req))
            })
        })));
    }
}
