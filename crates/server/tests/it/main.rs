//! The server's integration tests, in one binary with shared helpers (`common`): the real router over a
//! real database (a SQLite file per test, or PostgreSQL with `APPREG_TEST_PG_URL`; the PostgreSQL-only
//! tests are `#[ignore]`d otherwise), and the `appreg` binary.

mod abuse;
mod admin;
mod api;
mod app_store;
mod app_store_images;
mod change_log;
mod cli;
mod common;
mod console;
mod embed;
mod lifecycle;
mod mail;
mod openapi;
mod page;
mod scale;
mod security;
mod ticket_attachments;
mod tickets;
mod versions;
