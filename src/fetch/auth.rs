//! Sign-in, the way Azure tools do it: client credentials from the Azure SDK variables,
//! device code for a person at a terminal, or a token obtained elsewhere.
//!
//! The OAuth exchanges are the `oauth2` crate's (no token code here), carried by the same
//! `ureq` agent as the Graph calls. Secrets and tokens are never printed, and a secret is
//! only read from the environment, never from the command line.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use oauth2::basic::{BasicClient, BasicTokenResponse};
use oauth2::{
    AuthType, ClientId, ClientSecret, DeviceAuthorizationUrl, HttpRequest, HttpResponse,
    RefreshToken, RequestTokenError, Scope, StandardDeviceAuthorizationResponse, TokenResponse,
    TokenUrl,
};
use url::Url;

use super::graph::{self, Waits};

/// How a token is obtained, as chosen from the flags and the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    /// `--access-token-file FILE`
    TokenFile(PathBuf),
    /// `PROVLOG_ACCESS_TOKEN`
    TokenEnv,
    /// `--az`
    AzCli,
    /// AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET
    ClientSecret { tenant: String, client: String },
    /// `--device-code`
    DeviceCode { tenant: String, client: String },
}

/// What the run asked for, before any environment is read.
pub struct Choice {
    pub token_file: Option<PathBuf>,
    pub az: bool,
    pub device_code: bool,
    pub tenant: Option<String>,
    pub client_id: Option<String>,
    pub stdin_is_terminal: bool,
}

/// Picks the sign-in method: a flag first, then an existing token, then the Azure SDK
/// variables, then (for a person at a terminal) a device code.
pub fn choose(c: &Choice, env: impl Fn(&str) -> Option<String>) -> Result<Method> {
    let var = |k: &str| env(k).filter(|v| !v.trim().is_empty());
    let tenant = c.tenant.clone().or_else(|| var("AZURE_TENANT_ID"));
    let client = c.client_id.clone().or_else(|| var("AZURE_CLIENT_ID"));
    if let Some(f) = &c.token_file {
        return Ok(Method::TokenFile(f.clone()));
    }
    if c.az {
        return Ok(Method::AzCli);
    }
    let device = |tenant: Option<String>| -> Result<Method> {
        let Some(client) = client.clone() else {
            bail!(
                "--device-code needs the application (client) id of an app registration that allows public client flows: give --client-id or set AZURE_CLIENT_ID"
            );
        };
        Ok(Method::DeviceCode {
            tenant: tenant.unwrap_or_else(|| "organizations".to_owned()),
            client,
        })
    };
    if c.device_code {
        return device(tenant);
    }
    if var("PROVLOG_ACCESS_TOKEN").is_some() {
        return Ok(Method::TokenEnv);
    }
    if let (Some(tenant), Some(client)) = (&tenant, &client) {
        if var("AZURE_CLIENT_SECRET").is_some() {
            return Ok(Method::ClientSecret {
                tenant: tenant.clone(),
                client: client.clone(),
            });
        }
        if var("AZURE_CLIENT_CERTIFICATE_PATH").is_some() {
            bail!(
                "sign-in with a certificate (AZURE_CLIENT_CERTIFICATE_PATH) is not supported yet: use AZURE_CLIENT_SECRET, --device-code, --az or an access token"
            );
        }
    }
    if c.stdin_is_terminal && client.is_some() {
        return device(tenant);
    }
    bail!(
        "no credentials for Microsoft Graph: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, or use --device-code, --az, --access-token-file FILE or PROVLOG_ACCESS_TOKEN (see `provlog fetch --help`)"
    )
}

/// The `oauth2` crate's HTTP calls, made with our agent (rustls, proxy, timeouts).
struct Http(ureq::Agent);

impl oauth2::SyncHttpClient for Http {
    type Error = ureq::Error;

    fn call(&self, request: HttpRequest) -> Result<HttpResponse, ureq::Error> {
        let mut resp = self.0.run(request)?;
        let mut out = HttpResponse::new(resp.body_mut().read_to_vec()?);
        *out.status_mut() = resp.status();
        *out.headers_mut() = resp.headers().clone();
        Ok(out)
    }
}

struct Held {
    token: String,
    /// When to get a new one: a minute before it expires, so no page is sent with a token
    /// about to lapse. `None`: unknown (a token given to provlog).
    renew_at: Option<Instant>,
    refresh_token: Option<RefreshToken>,
}

/// A token source for one run.
pub struct Auth {
    method: Method,
    authority: Url,
    scope: String,
    http: Http,
    held: Option<Held>,
    waits: Waits,
}

impl Auth {
    pub fn new(method: Method, authority: Url, graph: &Url, waits: Waits) -> Auth {
        let scope = format!("{}/.default", graph.as_str().trim_end_matches('/'));
        Auth {
            http: Http(graph::agent(graph::is_loopback(&authority), 0)),
            method,
            authority,
            scope,
            held: None,
            waits,
        }
    }

    /// Where the token comes from, for messages ("the token from --az was refused").
    pub fn describe(&self) -> &'static str {
        match self.method {
            Method::TokenFile(_) => "--access-token-file",
            Method::TokenEnv => "PROVLOG_ACCESS_TOKEN",
            Method::AzCli => "the Azure CLI account",
            Method::ClientSecret { .. } => "the app (AZURE_CLIENT_ID)",
            Method::DeviceCode { .. } => "the signed-in account",
        }
    }

    /// Whether a refused token can be replaced by a new one without the user.
    pub fn can_refresh(&self) -> bool {
        match self.method {
            Method::TokenFile(_) | Method::TokenEnv => false,
            Method::AzCli | Method::ClientSecret { .. } => true,
            Method::DeviceCode { .. } => self
                .held
                .as_ref()
                .is_some_and(|h| h.refresh_token.is_some()),
        }
    }

    /// The current token, obtained or renewed as needed.
    pub fn token(&mut self) -> Result<String> {
        let fresh = self
            .held
            .as_ref()
            .is_some_and(|h| h.renew_at.is_none_or(|t| Instant::now() < t));
        if !fresh {
            if self.held.is_some() && self.can_refresh() {
                self.refresh()?;
            } else if self.held.is_none() {
                self.held = Some(self.obtain()?);
            }
        }
        match &self.held {
            Some(h) => Ok(h.token.clone()),
            None => bail!("no token"),
        }
    }

    /// A new token, after Graph refused the current one.
    pub fn refresh(&mut self) -> Result<()> {
        let previous = self.held.take();
        let held = match (&self.method, previous.and_then(|h| h.refresh_token)) {
            (Method::DeviceCode { tenant, client }, Some(rt)) => {
                let c = self.client(tenant, client, None)?;
                let resp = c
                    .exchange_refresh_token(&rt)
                    .add_scope(Scope::new(self.scope.clone()))
                    .request(&self.http)
                    .map_err(|e| token_error(e, "renewing the sign-in"))?;
                held_from(&resp, Some(rt))
            }
            _ => self.obtain()?,
        };
        self.held = Some(held);
        Ok(())
    }

    fn endpoint(&self, tenant: &str, last: &str) -> Result<String> {
        let base = self.authority.as_str().trim_end_matches('/');
        if tenant.is_empty()
            || !tenant
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c))
        {
            bail!("tenant '{tenant}': expected a directory id (GUID) or a domain name");
        }
        Ok(format!("{base}/{tenant}/oauth2/v2.0/{last}"))
    }

    fn client(
        &self,
        tenant: &str,
        client: &str,
        secret: Option<String>,
    ) -> Result<
        BasicClient<
            oauth2::EndpointNotSet,
            oauth2::EndpointSet,
            oauth2::EndpointNotSet,
            oauth2::EndpointNotSet,
            oauth2::EndpointSet,
        >,
    > {
        let mut c = BasicClient::new(ClientId::new(client.to_owned()));
        if let Some(s) = secret {
            c = c.set_client_secret(ClientSecret::new(s));
        }
        Ok(c.set_auth_type(AuthType::RequestBody)
            .set_token_uri(TokenUrl::new(self.endpoint(tenant, "token")?)?)
            .set_device_authorization_url(DeviceAuthorizationUrl::new(
                self.endpoint(tenant, "devicecode")?,
            )?))
    }

    fn obtain(&self) -> Result<Held> {
        match &self.method {
            Method::TokenFile(p) => {
                let t = std::fs::read_to_string(p)
                    .with_context(|| format!("{}: cannot read the access token", p.display()))?;
                static_token(t.trim(), &p.display().to_string())
            }
            Method::TokenEnv => {
                let t = std::env::var("PROVLOG_ACCESS_TOKEN").unwrap_or_default();
                static_token(t.trim(), "PROVLOG_ACCESS_TOKEN")
            }
            Method::AzCli => az_token(),
            Method::ClientSecret { tenant, client } => {
                let secret = std::env::var("AZURE_CLIENT_SECRET").unwrap_or_default();
                let c = self.client(tenant, client, Some(secret))?;
                let resp = c
                    .exchange_client_credentials()
                    .add_scope(Scope::new(self.scope.clone()))
                    .request(&self.http)
                    .map_err(|e| token_error(e, "signing in with AZURE_CLIENT_SECRET"))?;
                Ok(held_from(&resp, None))
            }
            Method::DeviceCode { tenant, client } => self.device_code(tenant, client),
        }
    }

    fn device_code(&self, tenant: &str, client: &str) -> Result<Held> {
        let c = self.client(tenant, client, None)?;
        let details: StandardDeviceAuthorizationResponse = c
            .exchange_device_code()
            .add_scope(Scope::new(self.scope.clone()))
            .add_scope(Scope::new("offline_access".to_owned()))
            .request(&self.http)
            .map_err(|e| token_error(e, "starting the device-code sign-in"))?;
        crate::error::warn(
            &mut std::io::stderr(),
            format!(
                "to sign in, open {} and enter the code {}",
                details.verification_uri().as_str(),
                details.user_code().secret()
            ),
        );
        let waits = self.waits;
        let resp = c
            .exchange_device_access_token(&details)
            .request(
                &self.http,
                |d: Duration| {
                    graph::sleep(d.min(waits.cap.max(Duration::from_millis(10))));
                },
                None,
            )
            .map_err(|e| token_error(e, "waiting for the device-code sign-in"))?;
        Ok(held_from(&resp, None))
    }
}

fn static_token(t: &str, origin: &str) -> Result<Held> {
    if t.is_empty() {
        bail!("{origin}: the access token is empty");
    }
    if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        bail!("{origin}: expected one access token (a single word), found spaces or line breaks");
    }
    Ok(Held {
        token: t.to_owned(),
        renew_at: None,
        refresh_token: None,
    })
}

fn held_from(resp: &BasicTokenResponse, previous_refresh: Option<RefreshToken>) -> Held {
    Held {
        token: resp.access_token().secret().clone(),
        renew_at: resp
            .expires_in()
            .map(|d| Instant::now() + d.saturating_sub(Duration::from_secs(60))),
        refresh_token: resp.refresh_token().cloned().or(previous_refresh),
    }
}

/// The token endpoint's refusal in one sentence: its error and description (which holds
/// the AADSTS code), never the request (it carries the secret).
fn token_error<E: std::error::Error + 'static>(
    e: RequestTokenError<E, impl oauth2::ErrorResponse>,
    doing: &str,
) -> anyhow::Error {
    match e {
        RequestTokenError::ServerResponse(r) => {
            let text = r.to_string();
            let fix = if text.contains("AADSTS7000215") || text.contains("AADSTS7000222") {
                " (check AZURE_CLIENT_SECRET: wrong or expired)"
            } else if text.contains("AADSTS700016") {
                " (check AZURE_CLIENT_ID and AZURE_TENANT_ID: no such app in that tenant)"
            } else if text.contains("AADSTS90002") {
                " (check AZURE_TENANT_ID: no such tenant)"
            } else if text.contains("AADSTS7000218") {
                " (the app must allow public client flows for --device-code)"
            } else {
                ""
            };
            anyhow!(
                "{doing}: the sign-in service refused: {}{fix}",
                crate::render::one_line(&text)
            )
        }
        RequestTokenError::Request(e) => anyhow!("{doing}: cannot reach the sign-in service: {e}"),
        RequestTokenError::Parse(e, _) => {
            anyhow!("{doing}: the sign-in service's answer is not a token ({e})")
        }
        RequestTokenError::Other(s) => anyhow!("{doing}: {s}"),
    }
}

/// `az account get-access-token --resource-type ms-graph`: the token of the account the
/// Azure CLI is signed in with (its own cloud setting decides the Graph endpoint).
fn az_token() -> Result<Held> {
    let program = if cfg!(windows) { "az.cmd" } else { "az" };
    let out = Command::new(program)
        .args([
            "account",
            "get-access-token",
            "--resource-type",
            "ms-graph",
            "--output",
            "json",
        ])
        .output()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                anyhow!("--az: the Azure CLI (az) is not installed or not on PATH")
            } else {
                anyhow!("--az: cannot run the Azure CLI: {e}")
            }
        })?;
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stderr);
        let first = msg.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        bail!(
            "--az: `az account get-access-token` failed: {} (run `az login` first)",
            crate::render::one_line(first.trim())
        );
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct AzToken {
        access_token: String,
        #[serde(default, rename = "expires_on")]
        expires_on: Option<i64>,
    }
    let t: AzToken = serde_json::from_slice(&out.stdout)
        .context("--az: the Azure CLI's answer is not a token")?;
    let mut held = static_token(&t.access_token, "--az")?;
    held.renew_at = t.expires_on.map(|at| {
        let left = at - chrono::Utc::now().timestamp() - 60;
        Instant::now() + Duration::from_secs(u64::try_from(left).unwrap_or(0))
    });
    Ok(held)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice() -> Choice {
        Choice {
            token_file: None,
            az: false,
            device_code: false,
            tenant: None,
            client_id: None,
            stdin_is_terminal: false,
        }
    }

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    const SDK: [(&str, &str); 3] = [
        ("AZURE_TENANT_ID", "t"),
        ("AZURE_CLIENT_ID", "c"),
        ("AZURE_CLIENT_SECRET", "s"),
    ];

    #[test]
    fn the_azure_sdk_variables_mean_client_credentials() {
        assert_eq!(
            choose(&choice(), env(&SDK)).unwrap(),
            Method::ClientSecret {
                tenant: "t".into(),
                client: "c".into()
            }
        );
    }

    #[test]
    fn a_flag_wins_over_the_environment() {
        let c = Choice {
            az: true,
            ..choice()
        };
        assert_eq!(choose(&c, env(&SDK)).unwrap(), Method::AzCli);
        let c = Choice {
            device_code: true,
            ..choice()
        };
        assert!(matches!(
            choose(&c, env(&SDK)).unwrap(),
            Method::DeviceCode { .. }
        ));
    }

    #[test]
    fn device_code_is_the_default_only_at_a_terminal() {
        let only_client = [("AZURE_CLIENT_ID", "c")];
        let e = choose(&choice(), env(&only_client)).unwrap_err();
        assert!(e.to_string().contains("no credentials"), "{e}");
        let c = Choice {
            stdin_is_terminal: true,
            ..choice()
        };
        assert_eq!(
            choose(&c, env(&only_client)).unwrap(),
            Method::DeviceCode {
                tenant: "organizations".into(),
                client: "c".into()
            }
        );
    }

    #[test]
    fn a_certificate_is_refused_clearly() {
        let cert = [
            ("AZURE_TENANT_ID", "t"),
            ("AZURE_CLIENT_ID", "c"),
            ("AZURE_CLIENT_CERTIFICATE_PATH", "/x.pem"),
        ];
        let e = choose(&choice(), env(&cert)).unwrap_err();
        assert!(e.to_string().contains("certificate"), "{e}");
    }

    #[test]
    fn a_token_must_be_one_word() {
        assert!(static_token("", "x").is_err());
        assert!(static_token("a b", "x").is_err());
        assert!(static_token("eyJ0.eyJ1.sig", "x").is_ok());
    }
}
