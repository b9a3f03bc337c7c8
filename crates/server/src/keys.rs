//! RSA key pairs for certificates: generated (private key returned once) or uploaded (public key only).

use crate::error::ApiError;
use base64::Engine;
use rsa::pkcs1::{DecodeRsaPublicKey, EncodeRsaPrivateKey};
use rsa::pkcs8::{DecodePublicKey, EncodePublicKey, LineEnding};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, RsaPrivateKey, RsaPublicKey};

pub const MIN_BITS: usize = 2048;

pub struct KeyPair {
    pub public_pem: String,
    pub private_pem: String,
    pub private_xml: String,
}

fn b64(n: &BigUint) -> String {
    base64::engine::general_purpose::STANDARD.encode(n.to_bytes_be())
}

/// Generates an RSA 2048 key pair.
pub fn generate() -> Result<KeyPair, ApiError> {
    let mut key = RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).map_err(ApiError::internal)?;
    key.precompute().map_err(ApiError::internal)?;
    let public_pem = key
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .map_err(ApiError::internal)?;
    let private_pem = key
        .to_pkcs1_pem(LineEnding::LF)
        .map_err(ApiError::internal)?
        .to_string();
    let primes = key.primes();
    let (p, q) = (&primes[0], &primes[1]);
    let one = BigUint::from(1u8);
    let dp = key.d() % (p - &one);
    let dq = key.d() % (q - &one);
    let qinv = key
        .crt_coefficient()
        .ok_or_else(|| ApiError::internal("no CRT coefficient"))?;
    let private_xml = format!(
        "<RSAKeyValue><Modulus>{}</Modulus><Exponent>{}</Exponent><P>{}</P><Q>{}</Q><DP>{}</DP><DQ>{}</DQ>\
         <InverseQ>{}</InverseQ><D>{}</D></RSAKeyValue>",
        b64(key.n()),
        b64(key.e()),
        b64(p),
        b64(q),
        b64(&dp),
        b64(&dq),
        b64(&qinv),
        b64(key.d())
    );
    Ok(KeyPair {
        public_pem,
        private_pem,
        private_xml,
    })
}

/// Validates an uploaded public key (SPKI `PUBLIC KEY` or PKCS#1 `RSA PUBLIC KEY` PEM, at least 2048 bits)
/// and returns it as SPKI PEM.
pub fn normalise_public_pem(pem: &str) -> Result<String, String> {
    let pem = pem.trim();
    if pem.contains("PRIVATE KEY") {
        return Err("That is a private key. Upload only the public key (-----BEGIN PUBLIC KEY-----); keep the private key to yourself.".into());
    }
    let key = RsaPublicKey::from_public_key_pem(pem)
        .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem))
        .map_err(|_| {
            "Upload an RSA public key in PEM form (-----BEGIN PUBLIC KEY-----).".to_string()
        })?;
    if key.size() * 8 < MIN_BITS {
        return Err(format!(
            "The key has {} bits; use an RSA key of at least {MIN_BITS} bits.",
            key.size() * 8
        ));
    }
    key.to_public_key_pem(LineEnding::LF)
        .map_err(|e| e.to_string())
}
