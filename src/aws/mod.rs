//! gen's AWS set-up, for every command that calls AWS (publish, deploy, state init): the SDK's
//! configuration, the S3 client, the caller's account, and SDK errors in one line.

pub mod account;

/// The AWS configuration from the standard chain, with rustls on ring for HTTPS.
pub async fn sdk_config() -> aws_config::SdkConfig {
    let https = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(https)
        .load()
        .await
}

/// An S3 client, in `region` when given (else the configuration's). A custom endpoint (a local
/// S3) is addressed by path, not by bucket host name.
pub fn s3_client(sdk: &aws_config::SdkConfig, region: Option<&str>) -> aws_sdk_s3::Client {
    let mut config =
        aws_sdk_s3::config::Builder::from(sdk).force_path_style(sdk.endpoint_url().is_some());
    if let Some(region) = region {
        config = config.region(aws_sdk_s3::config::Region::new(region.to_owned()));
    }
    aws_sdk_s3::Client::from_conf(config.build())
}

/// An SDK error in one line: the service's code and message, or the chain of causes.
pub fn aws_error<E>(
    error: aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> anyhow::Error
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    use std::error::Error;
    if let aws_sdk_s3::error::SdkError::ServiceError(service) = &error {
        let err = service.err();
        let code = match err.code() {
            Some(code) => code.to_owned(),
            None => format!("HTTP {}", service.raw().status().as_u16()),
        };
        return match err.message() {
            Some(message) => anyhow::anyhow!("{code}: {message}"),
            None => anyhow::anyhow!("{code}"),
        };
    }
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    anyhow::anyhow!(message)
}
