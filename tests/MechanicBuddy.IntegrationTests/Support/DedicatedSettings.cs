using System.Globalization;

namespace MechanicBuddy.IntegrationTests.Support;

/// <summary>The DedicatedProvisioner's single-host configuration over the test servers, as configuration keys ("a:b").</summary>
public static class DedicatedSettings
{
    public static Dictionary<string, string?> SingleHost(string instancesDirectory, Uri backend, int firstPort) => new()
    {
        ["Dedicated:Platform"] = "single-host",
        ["Dedicated:SingleHost:InstancesDirectory"] = instancesDirectory,
        ["Dedicated:SingleHost:FirstPort"] = firstPort.ToString(CultureInfo.InvariantCulture),
        ["Dedicated:SingleHost:LastPort"] = (firstPort + 99).ToString(CultureInfo.InvariantCulture),
        ["Dedicated:SingleHost:ApiUrl"] = backend.ToString(),
        ["Dedicated:SingleHost:WebUrl"] = backend.ToString(),
    };
}
