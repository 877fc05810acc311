using System.Runtime.Versioning;

// The single-host platform runs initdb/pg_ctl/runuser and signals nginx; the Kubernetes platform runs the helm CLI: a Linux service.
[assembly: UnsupportedOSPlatform("windows")]
