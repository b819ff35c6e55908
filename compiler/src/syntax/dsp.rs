//! `dsps/<id>.toml`: a DSP profile: who it is, what it accepts, how to deliver to it.

use super::decode::{OneOrMany, S};
use crate::{toml_enum, toml_table};

toml_table! {
    /// A DSP (or distributor) the label delivers to.
    pub struct TomlDsp {
        /// Display name.
        name: S<String> = "name",
        /// DDEX party id (DPID): the `MessageRecipient`.
        party_id: S<String> = "party-id",
        /// ERN version the DSP accepts.
        ern: Option<S<ErnVersion>> = "ern",
        /// DDEX delivery profile.
        delivery: Option<S<DeliveryMode>> = "delivery",
        /// Send `TestMessage` instead of `LiveMessage` (for onboarding).
        test: Option<S<bool>> = "test",
        /// Where packages go.
        transport: TomlTransport = "transport",
        /// Quality rules (by code or name) that are errors for this DSP instead of warnings.
        #[serde(default)]
        deny: OneOrMany<S<String>> = "deny",
    }
}

toml_enum! {
    /// ERN version.
    pub enum ErnVersion {
        Ern43 = "4.3",
        Ern432 = "4.3.2",
        Ern382 = "3.8.2",
    }
}

toml_enum! {
    /// DDEX delivery choreography.
    pub enum DeliveryMode {
        /// One folder per release.
        ReleaseByRelease = "release-by-release",
        /// Releases grouped in a batch, completed by a `BatchComplete_` manifest.
        Batch = "batch",
    }
}

toml_enum! {
    /// Transport kind.
    pub enum TransportKind {
        /// A local directory.
        Folder = "folder",
        /// An SFTP server.
        Sftp = "sftp",
    }
}

toml_table! {
    /// How files reach the DSP. Secrets never appear here: name environment variables.
    pub struct TomlTransport {
        /// Transport kind.
        kind: S<TransportKind> = "type",
        /// Folder (relative to the catalogue root for `folder`) or remote path (for `sftp`).
        path: S<String> = "path",
        /// SFTP host name.
        host: Option<S<String>> = "host",
        /// SFTP port, 22 when not given.
        port: Option<S<u16>> = "port",
        /// SFTP user name.
        user: Option<S<String>> = "user",
        /// Environment variable holding the path of the private key.
        key_env: Option<S<String>> = "key-env",
        /// Environment variable holding the password.
        password_env: Option<S<String>> = "password-env",
        /// known_hosts file for host-key checking, relative to the catalogue root.
        known_hosts: Option<S<String>> = "known-hosts",
        /// Refused: secrets must not be written in the catalogue.
        password: Option<S<String>> = "password",
        /// Refused: secrets must not be written in the catalogue.
        private_key: Option<S<String>> = "private-key",
    }
}
