using System.Runtime.InteropServices;

namespace MechanicBuddy.Provisioning.Routing.Nginx;

/// <summary>kill(2): "nginx -s reload" would re-parse the whole configuration only to find the master's pid, which we already know.</summary>
public static partial class UnixSignals
{
    const int SigHup = 1;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Asks the process to reload its configuration; false when it does not exist or is not ours to signal.</summary>
    public static bool Hangup(int pid) => Kill(pid, SigHup) == 0;
}
