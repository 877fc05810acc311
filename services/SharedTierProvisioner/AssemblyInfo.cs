// The provisioner drives Unix tools (nginx, file modes for secrets) and runs on Linux only.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
