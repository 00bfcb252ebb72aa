//! mozu's own Sigma rule pack (`rules/hunt/` in the repository), compiled into the binary.

use mozu_sigma::RuleSet;

/// (file name, YAML) of every shipped rule file.
pub const BUILTIN_RULES: &[(&str, &str)] = &[
    pack_file!("proc_creation_mass_process_termination.yml"),
    pack_file!("proc_creation_office_script_host_spawns_shell.yml"),
    pack_file!("proc_creation_shadow_copy_deletion.yml"),
    pack_file!("proxy_exe_from_ip_no_useragent.yml"),
    pack_file!("proxy_useragent_chrome_exact.yml"),
    pack_file!("win_security_account_lockout.yml"),
    pack_file!("win_security_network_logon_failures.yml"),
    pack_file!("win_security_ntlm_reverse_bruteforce.yml"),
    pack_file!("win_service_install_persistence.yml"),
    pack_file!("win_zone_identifier_deletion.yml"),
];

macro_rules! pack_file {
    ($name:literal) => {
        (
            concat!("rules/hunt/", $name),
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../rules/hunt/", $name)),
        )
    };
}
use pack_file;

/// Adds the built-in pack to `set`.
pub fn add_builtin(set: &mut RuleSet) {
    for (name, yaml) in BUILTIN_RULES {
        set.add_str(name, yaml);
    }
}
