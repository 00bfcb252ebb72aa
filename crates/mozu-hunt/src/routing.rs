//! Logsource routing: which Sigma logsources a log event belongs to.
//!
//! Windows events are routed by channel (→ `service`) and, for Sysmon and the
//! audit events that share Sysmon's categories, by event id (→ `category`).
//! This is applied before any rule runs, so a `process_creation` rule never
//! sees a registry event, and the mail path (which has no channel) is untouched.

use std::collections::HashMap;
use std::sync::LazyLock;

use mozu_logs::LogKind;
use mozu_sigma::{FlatEvent, Logsource};

const SYSMON: &str = "Microsoft-Windows-Sysmon/Operational";

/// Channel → Sigma `service`, as in SigmaHQ's Windows logsource definitions.
static SERVICES: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    HashMap::from([
        ("security", "security"),
        ("system", "system"),
        ("application", "application"),
        ("microsoft-windows-sysmon/operational", "sysmon"),
        ("microsoft-windows-powershell/operational", "powershell"),
        ("powershellcore/operational", "powershell"),
        ("windows powershell", "powershell-classic"),
        ("microsoft-windows-taskscheduler/operational", "taskscheduler"),
        ("microsoft-windows-wmi-activity/operational", "wmi"),
        ("microsoft-windows-windows defender/operational", "windefend"),
        ("microsoft-windows-dns-client/operational", "dns-client"),
        ("microsoft-windows-bits-client/operational", "bits-client"),
        (
            "microsoft-windows-codeintegrity/operational",
            "codeintegrity-operational",
        ),
        ("microsoft-windows-ntlm/operational", "ntlm"),
        ("microsoft-windows-applocker/exe and dll", "applocker"),
        ("microsoft-windows-applocker/msi and script", "applocker"),
        ("microsoft-windows-applocker/packaged app-deployment", "applocker"),
        ("microsoft-windows-applocker/packaged app-execution", "applocker"),
        (
            "microsoft-windows-terminalservices-localsessionmanager/operational",
            "terminalservices-localsessionmanager",
        ),
        (
            "microsoft-windows-terminalservices-remoteconnectionmanager/operational",
            "terminalservices-remoteconnectionmanager",
        ),
        (
            "microsoft-windows-windows firewall with advanced security/firewall",
            "firewall-as",
        ),
        (
            "microsoft-windows-driverframeworks-usermode/operational",
            "driver-framework",
        ),
        ("microsoft-windows-smbclient/security", "smbclient-security"),
        ("microsoft-windows-smbclient/connectivity", "smbclient-connectivity"),
        ("microsoft-windows-ldap-client/debug", "ldap"),
        ("openssh/operational", "openssh"),
        ("microsoft-windows-shell-core/operational", "shell-core"),
        (
            "microsoft-windows-security-mitigations/kernel mode",
            "security-mitigations",
        ),
        (
            "microsoft-windows-security-mitigations/user mode",
            "security-mitigations",
        ),
        ("microsoft-windows-printservice/admin", "printservice-admin"),
        ("microsoft-windows-printservice/operational", "printservice-operational"),
        ("microsoft-windows-capi2/operational", "capi2"),
        ("microsoft-windows-diagnosis-scripted/operational", "diagnosis-scripted"),
        ("microsoft-windows-vhdmp/operational", "vhdmp"),
        (
            "microsoft-windows-appxdeployment-server/operational",
            "appxdeployment-server",
        ),
        ("microsoft-windows-appxpackaging/operational", "appxpackaging-om"),
        ("microsoft-windows-appmodel-runtime/admin", "appmodel-runtime"),
        ("microsoft-windows-kernel-shimengine/operational", "shimengine"),
        ("microsoft-windows-dhcp-server/operational", "dhcp"),
        ("dns server", "dns-server"),
        ("microsoft-windows-dns-server/analytical", "dns-server-analytic"),
        ("microsoft-windows-dns-server/audit", "dns-server-audit"),
        ("microsoft-windows-bitlocker/bitlocker management", "bitlocker"),
        ("microsoft-windows-lsa/operational", "lsa-server"),
        ("microsoft-windows-winrm/operational", "winrm"),
        ("microsoft-windows-hyper-v-worker-admin", "hyper-v-worker"),
        ("microsoft-windows-kernel-pnp/configuration", "kernel-pnp"),
        ("microsoft-windows-msexchange management", "msexchange-management"),
        ("msexchange management", "msexchange-management"),
        (
            "microsoft-windows-certificateservicesclient-lifecycle-system/operational",
            "certificateservicesclient-lifecycle-system",
        ),
        ("microsoft-windows-iis-configuration/operational", "iis-configuration"),
    ])
});

/// Sysmon event id → Sigma `category`.
fn sysmon_category(eid: u32) -> &'static [&'static str] {
    match eid {
        1 => &["process_creation"],
        2 => &["file_change"],
        3 => &["network_connection"],
        4 => &["sysmon_status"],
        5 => &["process_termination"],
        6 => &["driver_load"],
        7 => &["image_load"],
        8 => &["create_remote_thread"],
        9 => &["raw_access_thread"],
        10 => &["process_access"],
        11 => &["file_event"],
        12 => &["registry_add", "registry_delete", "registry_event"],
        13 => &["registry_set", "registry_event"],
        14 => &["registry_rename", "registry_event"],
        15 => &["create_stream_hash"],
        16 => &["sysmon_status"],
        17 | 18 => &["pipe_created"],
        19..=21 => &["wmi_event"],
        22 => &["dns_query"],
        23 | 26 => &["file_delete"],
        24 => &["clipboard_capture"],
        25 => &["process_tampering"],
        27..=29 => &["file_block"],
        255 => &["sysmon_error"],
        _ => &[],
    }
}

/// Non-Sysmon events that belong to a generic category.
fn other_category(service: &str, eid: u32) -> &'static [&'static str] {
    match (service, eid) {
        ("security", 4688) => &["process_creation"],
        ("powershell", 4104) => &["ps_script"],
        ("powershell", 4103) => &["ps_module"],
        ("powershell-classic", 400) => &["ps_classic_start"],
        ("powershell-classic", 600) => &["ps_classic_provider_start"],
        ("powershell-classic", 800) => &["ps_classic_script"],
        _ => &[],
    }
}

/// The service name of a channel (known table, else the lower-cased channel).
pub fn service_of(channel: &str) -> String {
    let lower = channel.to_ascii_lowercase();
    SERVICES.get(lower.as_str()).map_or(lower, |s| (*s).to_owned())
}

/// Route key of an event: what decides its logsources.
pub fn route_key(kind: LogKind, fields: &FlatEvent) -> (LogKind, String, u32) {
    match kind {
        LogKind::Windows => {
            let channel = fields.get("Channel").unwrap_or("").to_owned();
            let eid = fields.get("EventID").and_then(|e| e.trim().parse().ok()).unwrap_or(0);
            (kind, channel, eid)
        }
        _ => (kind, String::new(), 0),
    }
}

/// The logsources of a route key.
pub fn logsources(kind: LogKind, channel: &str, eid: u32) -> Vec<Logsource> {
    match kind {
        LogKind::Windows => {
            let service = service_of(channel);
            let mut out = vec![Logsource::new(Some("windows"), None, Some(&service))];
            let cats = if channel.eq_ignore_ascii_case(SYSMON) {
                sysmon_category(eid)
            } else {
                other_category(&service, eid)
            };
            out.extend(cats.iter().map(|c| Logsource::new(Some("windows"), Some(c), None)));
            out
        }
        LogKind::Proxy => vec![Logsource::new(None, Some("proxy"), None)],
        LogKind::Firewall => vec![Logsource::new(None, Some("firewall"), None)],
        // Unknown JSON gets only product-less, category-less rules.
        _ => vec![Logsource::default()],
    }
}

/// Adds Sysmon-style names to Security 4688 so `process_creation` rules read it
/// (the mapping of Sigma's `windows-audit` pipeline).
pub fn add_aliases(channel_service: &str, eid: u32, fields: &mut FlatEvent) {
    if channel_service == "security" && eid == 4688 {
        for (from, to) in [
            ("NewProcessName", "Image"),
            ("ParentProcessName", "ParentImage"),
            ("SubjectUserName", "User"),
        ] {
            if !fields.contains_key(to)
                && let Some(v) = fields.get(from).map(str::to_owned)
            {
                fields.push(to, &v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sysmon_process_creation_routes_to_category_and_service() {
        let ls = logsources(LogKind::Windows, SYSMON, 1);
        assert!(ls.contains(&Logsource::new(Some("windows"), Some("process_creation"), None)));
        assert!(ls.contains(&Logsource::new(Some("windows"), None, Some("sysmon"))));
        let sec = logsources(LogKind::Windows, "Security", 4776);
        assert_eq!(sec, vec![Logsource::new(Some("windows"), None, Some("security"))]);
    }
}
