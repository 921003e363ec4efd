//! The one integration-test binary: runs the real `tradeoff-sim` in temporary
//! folders and checks the model against MODEL.md. Modules by subject.

mod common;

mod analysis;
mod bad_input;
mod bounded;
mod browser;
mod calibration;
mod chart_fixture;
mod charts;
mod charts_compare;
mod claim_coverage;
mod claims;
mod cli;
mod client_files;
mod client_model;
mod decision;
mod determinism;
mod docs_links;
mod examples;
mod fast_samplers;
mod fuzz;
mod generated;
mod key_catalogue;
mod layers;
mod live_browser;
mod live_edit;
mod out_folder;
mod overrides;
mod properties;
mod reliability;
mod report;
mod report_board;
mod reuse;
mod samplers;
mod sensitivity;
mod shards;
mod streaming;
mod sweep_charts;
mod ties;
mod variants;
