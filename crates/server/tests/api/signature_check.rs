//! Verify signature: a stored attempt's `webhook-signature` recomputed with the current and the
//! previous secret, over a real delivery to a real receiver.

use crate::helpers::{spawn_app, webhook_body};
use crate::receiver::Receiver;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use webhook_api::{Delivery, Page, SignatureCheck};

async fn check(app: &crate::helpers::TestApp, delivery: &str, n: u32) -> SignatureCheck {
    let r = app
        .get(&format!(
            "/api/v1/deliveries/{delivery}/attempts/{n}/signature"
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

/// The webhook's deliveries once `n` of them have an attempt.
async fn delivered(app: &crate::helpers::TestApp, id: &str, n: usize) -> Vec<Delivery> {
    for _ in 0..100 {
        let page: Page<Delivery> = app
            .get(&format!("/api/v1/webhooks/{id}/deliveries"))
            .await
            .json()
            .await
            .unwrap();
        if page
            .results
            .iter()
            .filter(|d| !d.attempts.is_empty())
            .count()
            >= n
        {
            return page.results;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no delivery of {id}");
}

#[tokio::test]
async fn a_past_attempt_matches_the_current_then_the_previous_secret() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let mut body = webhook_body("verify");
    body["url"] = json!(receiver.url("/ok"));
    body["event_types"] = json!(["resource.update"]);
    body["auth"] =
        json!({"type": "signature", "secret": "whsec_dmVyaWZ5LXRoZS1zaWduYXR1cmUtb2YtaXQ="});
    body["enabled"] = json!(false);
    let id = app.create(&body).await.id;
    assert_eq!(
        app.post(&format!("/api/v1/webhooks/{id}/enable"))
            .await
            .status(),
        StatusCode::OK
    );
    let event = json!({"type": "resource.update", "action": "update", "resource_type": "host"});
    assert_eq!(
        app.post_json("/api/v1/events", &event).await.status(),
        StatusCode::ACCEPTED
    );
    let first = delivered(&app, &id, 1).await[0].id.clone();

    let before = check(&app, &first, 1).await;
    assert_eq!(
        before,
        SignatureCheck {
            signed: true,
            current: true,
            previous: None
        }
    );

    // After a rotation the old attempt matches the previous secret, not the new one; a new
    // attempt carries both signatures during the overlap.
    let rotated = app
        .post(&format!("/api/v1/webhooks/{id}/rotate-secret"))
        .await;
    assert_eq!(rotated.status(), StatusCode::OK);
    let after = check(&app, &first, 1).await;
    assert_eq!(
        after,
        SignatureCheck {
            signed: true,
            current: false,
            previous: Some(true)
        }
    );
    assert_eq!(
        app.post_json("/api/v1/events", &event).await.status(),
        StatusCode::ACCEPTED
    );
    let deliveries = delivered(&app, &id, 2).await;
    let newest = &deliveries.iter().find(|d| d.id != first).unwrap().id;
    assert_eq!(
        check(&app, newest, 1).await,
        SignatureCheck {
            signed: true,
            current: true,
            previous: Some(true)
        }
    );

    // No such attempt: 404; an unsigned webhook's attempt: not signed.
    let missing = app
        .get(&format!("/api/v1/deliveries/{first}/attempts/9/signature"))
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let mut plain = webhook_body("verify plain");
    plain["url"] = json!(receiver.url("/ok"));
    plain["event_types"] = json!(["resource.update"]);
    plain["enabled"] = json!(false);
    let plain = app.create(&plain).await.id;
    assert_eq!(
        app.post(&format!("/api/v1/webhooks/{plain}/enable"))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.post_json("/api/v1/events", &event).await.status(),
        StatusCode::ACCEPTED
    );
    let unsigned = delivered(&app, &plain, 1).await[0].id.clone();
    let v: Value = app
        .get(&format!(
            "/api/v1/deliveries/{unsigned}/attempts/1/signature"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        v,
        json!({"signed": false, "current": false, "previous": null})
    );
}
