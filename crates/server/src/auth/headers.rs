//! What the guard reads from and writes to HTTP headers: the session cookie, the CSRF rule for
//! cookie-authenticated changes, and the request id.

use super::{AuthSettings, COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::Response;

pub(super) fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The CSRF rule for cookie-authenticated changes: the custom header a cross-site form cannot
/// send, and no sign of another site (`Sec-Fetch-Site`, else `Origin`).
pub(super) fn cross_site(headers: &HeaderMap, settings: &AuthSettings) -> Result<(), String> {
    if !headers.contains_key("x-requested-with") {
        return Err(
            "A change made with the session cookie must carry the X-Requested-With header.".into(),
        );
    }
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        return match site {
            "same-origin" | "none" => Ok(()),
            _ => Err("Requests from another site may not change anything.".into()),
        };
    }
    if let Some(origin) = text("origin") {
        let allowed = match &settings.public_origin {
            Some(public) => origin.eq_ignore_ascii_case(public),
            None => text("host").is_some_and(|host| {
                origin
                    .split_once("://")
                    .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(host))
            }),
        };
        if !allowed {
            return Err("Requests from another origin may not change anything.".into());
        }
    }
    Ok(())
}

/// The value of the session cookie, if the request has one.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|v| !v.is_empty())
}

/// The `Set-Cookie` value that opens (`Some(token)`) or clears (`None`) the session.
pub fn set_cookie(settings: &AuthSettings, token: Option<&str>) -> HeaderValue {
    let secure = if settings.secure_cookie {
        "; Secure"
    } else {
        ""
    };
    let value = match token {
        Some(t) => format!(
            "{COOKIE}={t}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
            settings.lifetime.as_secs()
        ),
        None => format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}"),
    };
    // Built from base64url and fixed text only.
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The client's `X-Request-Id` when it is a short plain token, else a new one.
pub(super) fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_string)
}

pub(super) fn with_request_id(mut response: Response, id: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn the_csrf_rule() {
        let s = AuthSettings::default();
        assert!(cross_site(&headers(&[]), &s).is_err());
        assert!(cross_site(&headers(&[("x-requested-with", "c")]), &s).is_ok());
        let same = [("x-requested-with", "c"), ("sec-fetch-site", "same-origin")];
        assert!(cross_site(&headers(&same), &s).is_ok());
        for site in ["cross-site", "same-site"] {
            let h = headers(&[("x-requested-with", "c"), ("sec-fetch-site", site)]);
            assert!(cross_site(&h, &s).is_err(), "{site}");
        }
        let h = headers(&[
            ("x-requested-with", "c"),
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080"),
        ]);
        assert!(cross_site(&h, &s).is_ok());
        let h = headers(&[
            ("x-requested-with", "c"),
            ("host", "127.0.0.1:8080"),
            ("origin", "http://evil.example"),
        ]);
        assert!(cross_site(&h, &s).is_err());
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let h = headers(&[("cookie", "a=1; wc_session=abc; b=2")]);
        assert_eq!(session_cookie(&h).as_deref(), Some("abc"));
        assert_eq!(session_cookie(&headers(&[("cookie", "wc_session=")])), None);
        let v = set_cookie(&AuthSettings::default(), Some("t"));
        let v = v.to_str().unwrap();
        assert!(v.contains("HttpOnly") && v.contains("SameSite=Strict") && !v.contains("Secure"));
    }
}
