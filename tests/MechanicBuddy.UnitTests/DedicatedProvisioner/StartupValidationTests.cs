using System.Security.Cryptography;
using System.Text.RegularExpressions;
using MechanicBuddy.DedicatedProvisioner.Extensions;
using MechanicBuddy.Gateway.Extensions;
using MechanicBuddy.SharedTierProvisioner.Extensions;
using MechanicBuddy.TenantRegistry.Extensions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using YamlDotNet.RepresentationModel;

namespace MechanicBuddy.UnitTests.DedicatedProvisioner;

/// <summary>
/// Each service, configured exactly as docker-compose or the Kubernetes manifests configure it (its appsettings.json,
/// then that environment, every secret the operator must give filled in by a fresh random value, in Production),
/// passes the validation it runs at start: every options class it validates on start, and the refusal of forgeable
/// secrets. Neither can drift from the code.
/// </summary>
public sealed partial class StartupValidationTests
{
    static readonly string Root = KubernetesPlatformTests.RepositoryRoot();

    public static TheoryData<string, string> Services => new()
    {
        { "gateway", "Gateway" },
        { "tenant-registry", "TenantRegistry" },
        { "shared-tier-provisioner", "SharedTierProvisioner" },
        { "dedicated-provisioner", "DedicatedProvisioner" },
    };

    [Theory]
    [MemberData(nameof(Services))]
    public void A_service_configured_as_compose_configures_it_passes_its_own_start_up_validation(string composeService, string project) =>
        Validate(project, ComposeEnvironment(composeService));

    [Theory]
    [MemberData(nameof(Services))]
    public void A_service_configured_as_the_kubernetes_manifests_configure_it_passes_its_own_start_up_validation(string deployment, string project) =>
        Validate(project, KubernetesEnvironment(deployment));

    static void Validate(string project, Dictionary<string, string> environment)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production", ContentRootPath = Path.Combine(Root, "services", project), ApplicationName = $"MechanicBuddy.{project}",
        });
        builder.Configuration.AddInMemoryCollection(environment.Select(e => new KeyValuePair<string, string?>(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value)));

        _ = project switch
        {
            "Gateway" => builder.AddGateway(),
            "TenantRegistry" => builder.AddTenantRegistry(),
            "SharedTierProvisioner" => builder.AddSharedTierProvisioner(),
            _ => builder.AddDedicatedProvisioner(),
        };
        using var app = builder.Build();

        // What the host runs before any hosted service starts: every ValidateOnStart registration.
        app.Services.GetRequiredService<IStartupValidator>().Validate();
    }

    /// <summary>The service's environment in compose: the shared anchor, then its own entries, with secrets filled in.</summary>
    static Dictionary<string, string> ComposeEnvironment(string service)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(Root, "docker-compose.yml"))));
        var compose = (YamlMappingNode)stream.Documents[0].RootNode;
        var environment = new Dictionary<string, string>();
        void Add(YamlMappingNode entries)
        {
            foreach (var (key, value) in entries.Children)
            {
                if (value is YamlScalarNode scalar)
                {
                    environment[((YamlScalarNode)key).Value!] = Substitute(scalar.Value ?? "");
                }
            }
        }
        Add((YamlMappingNode)compose.Children[new YamlScalarNode("x-service-env")]);
        var definition = (YamlMappingNode)((YamlMappingNode)compose.Children[new YamlScalarNode("services")]).Children[new YamlScalarNode(service)];
        if (definition.Children.TryGetValue(new YamlScalarNode("environment"), out var own) && own is YamlMappingNode ownEntries)
        {
            Add(ownEntries);
        }
        return environment;
    }

    /// <summary>
    /// A Deployment's container environment in k8s/platform: its env values and the ConfigMaps and Secrets it takes
    /// whole, with the manifests' CHANGE-ME placeholders replaced as ops replaces them.
    /// </summary>
    static Dictionary<string, string> KubernetesEnvironment(string deployment)
    {
        var documents = Directory.GetFiles(Path.Combine(Root, "k8s", "platform"), "*.yaml").SelectMany(file =>
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(file)));
            return stream.Documents.Select(d => (YamlMappingNode)d.RootNode);
        }).ToList();
        static string Text(YamlNode node, params string[] path) =>
            path.Aggregate(node, (n, key) => ((YamlMappingNode)n).Children[new YamlScalarNode(key)]) is YamlScalarNode scalar ? scalar.Value! : "";
        YamlMappingNode Named(string kind, string name) =>
            documents.Single(d => Text(d, "kind") == kind && Text(d, "metadata", "name") == name);
        var container = (YamlMappingNode)((YamlSequenceNode)Named("Deployment", deployment)["spec"]["template"]["spec"]["containers"]).Children[0];
        var environment = new Dictionary<string, string>();
        foreach (var source in ((YamlSequenceNode)container["envFrom"]).Cast<YamlMappingNode>())
        {
            var (kind, reference, data) = source.Children.ContainsKey(new YamlScalarNode("configMapRef"))
                ? ("ConfigMap", "configMapRef", "data")
                : ("Secret", "secretRef", "stringData");
            foreach (var (key, value) in ((YamlMappingNode)Named(kind, Text(source, reference, "name"))[data]).Children)
            {
                environment[((YamlScalarNode)key).Value!] = Placeholder().Replace(((YamlScalarNode)value).Value ?? "", _ => Convert.ToHexString(RandomNumberGenerator.GetBytes(24)));
            }
        }
        if (container.Children.TryGetValue(new YamlScalarNode("env"), out var env))
        {
            foreach (var entry in ((YamlSequenceNode)env).Cast<YamlMappingNode>().Where(e => e.Children.ContainsKey(new YamlScalarNode("value"))))
            {
                environment[Text(entry, "name")] = Text(entry, "value");
            }
        }
        return environment;
    }

    [GeneratedRegex("CHANGE-ME[A-Z0-9-]*")]
    private static partial Regex Placeholder();

    static readonly Dictionary<string, string> Secrets = new();

    /// <summary>${NAME:?…} is a value the operator must give: one random value per name, as the compose header says to make.</summary>
    static string Substitute(string value) => Variable().Replace(value, match =>
    {
        var name = match.Groups["name"].Value;
        lock (Secrets)
        {
            if (!Secrets.TryGetValue(name, out var secret))
            {
                secret = match.Groups["default"].Success ? match.Groups["default"].Value : Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
                Secrets[name] = secret;
            }
            return secret;
        }
    });

    [GeneratedRegex(@"\$\{(?<name>[A-Z_]+)(?::-(?<default>[^}]*)|:\?[^}]*)?\}")]
    private static partial Regex Variable();
}
