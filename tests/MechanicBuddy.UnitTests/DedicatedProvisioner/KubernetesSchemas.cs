using System.Text.Json.Nodes;

namespace MechanicBuddy.UnitTests.DedicatedProvisioner;

/// <summary>What validating one object against its published schema found: fields the schema does not have, and values it refuses.</summary>
public sealed record SchemaFindings(IReadOnlyList<string> UnknownFields, IReadOnlyList<string> Invalid)
{
    public bool Clean => UnknownFields.Count == 0 && Invalid.Count == 0;
}

/// <summary>
/// The published schemas of the objects MechanicBuddy sends or reads (Schemas/: the Kubernetes OpenAPI v3 components,
/// the CloudNativePG Cluster and cert-manager Certificate CRDs; each file names its source and commit), and a
/// validator of the part of OpenAPI v3 those schemas use: type, properties, additionalProperties, items, required,
/// enum, minimum/maximum, min/maxLength, $ref and allOf, oneOf/anyOf of types, int-or-string, preserve-unknown-fields.
/// Not evaluated: pattern, formats, x-kubernetes-validations (CEL), and PodTemplateSpec (not extracted: its subtree is
/// accepted as any object). A CRD's metadata is checked against ObjectMeta, as the API server does.
/// </summary>
public static class KubernetesSchemas
{
    /// <summary>A built-in kind (its schema a component) or a custom resource (its schema the CRD's).</summary>
    sealed record Kind(string Name, string Group, string Version, Func<JsonObject> Schema, bool Custom = false);

    static readonly Lazy<JsonObject> Components = new(() => Load("kubernetes-openapi-v3.json")["schemas"]!.AsObject());

    /// <summary>By resource (plural) as it appears in the API's paths.</summary>
    static readonly Dictionary<string, Kind> Resources = new()
    {
        ["namespaces"] = Core("Namespace"),
        ["resourcequotas"] = Core("ResourceQuota"),
        ["limitranges"] = Core("LimitRange"),
        ["secrets"] = Core("Secret"),
        ["networkpolicies"] = new("NetworkPolicy", "networking.k8s.io", "v1", () => Component("io.k8s.api.networking.v1.NetworkPolicy")),
        ["ingresses"] = new("Ingress", "networking.k8s.io", "v1", () => Component("io.k8s.api.networking.v1.Ingress")),
        ["rolebindings"] = new("RoleBinding", "rbac.authorization.k8s.io", "v1", () => Component("io.k8s.api.rbac.v1.RoleBinding")),
        ["deployments"] = new("Deployment", "apps", "v1", () => Component("io.k8s.api.apps.v1.Deployment")),
        ["clusters"] = Crd("postgresql.cnpg.io_clusters.json"),
        ["certificates"] = Crd("cert-manager.io_certificates.json"),
    };

    const string ObjectMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    const string NotExtracted = "io.k8s.api.core.v1.PodTemplateSpec";

    static Kind Core(string kind) => new(kind, "", "v1", () => Component($"io.k8s.api.core.v1.{kind}"));

    static Kind Crd(string file)
    {
        var crd = new Lazy<JsonObject>(() => Load(file));
        return new Kind(file, "", "", () => crd.Value, Custom: true);
    }

    static JsonObject Load(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(KubernetesPlatformTests.RepositoryRoot(), "tests", "MechanicBuddy.UnitTests", "DedicatedProvisioner", "Schemas", file)))!.AsObject();

    static JsonObject Component(string name) =>
        Components.Value[name]?.AsObject() ?? throw new InvalidOperationException($"schema {name} is not in kubernetes-openapi-v3.json");

    /// <summary>True when the resource has a schema here; objects of other resources (pods, claims) are not validated.</summary>
    public static bool Knows(string resource) => Resources.ContainsKey(resource);

    /// <summary>"Deployment" and "apps/v1"; for a CRD its kind and group/version as the CRD names them.</summary>
    public static (string Kind, string GroupKind) Describe(string resource)
    {
        var kind = Resources[resource];
        if (kind.Custom)
        {
            var crd = kind.Schema();
            var name = crd["names"]!["kind"]!.GetValue<string>();
            return (name, $"{name}.{crd["group"]!.GetValue<string>()}");
        }
        return (kind.Name, kind.Group.Length == 0 ? kind.Name : $"{kind.Name}.{kind.Group}");
    }

    /// <summary>Whether the resource is a custom resource (its errors are 422 from the schema; a built-in's wrong type fails decoding, 400).</summary>
    public static bool IsCustom(string resource) => Resources[resource].Custom;

    public static SchemaFindings Validate(string resource, JsonObject obj)
    {
        var unknown = new List<string>();
        var invalid = new List<string>();
        var kind = Resources[resource];
        if (kind.Custom)
        {
            var crd = kind.Schema();
            var version = obj["apiVersion"]?.GetValue<string>()?.Split('/').Last();
            var schema = crd["versions"]!.AsArray().Select(v => v!.AsObject()).FirstOrDefault(v => v["name"]!.GetValue<string>() == version)?["schema"]?.AsObject();
            if (schema is null)
            {
                invalid.Add($"apiVersion: Unsupported value: \"{obj["apiVersion"]}\"");
                return new SchemaFindings(unknown, invalid);
            }
            var withoutMetadata = obj.DeepClone().AsObject();
            var metadata = withoutMetadata["metadata"];
            withoutMetadata.Remove("metadata");
            Check(withoutMetadata, schema, "", new Findings(unknown, invalid, Custom: true), ignoreRequired: ["metadata"]);
            if (metadata is not null)
            {
                Check(metadata, Component(ObjectMeta), "metadata", new Findings(unknown, invalid, Custom: false));
            }
        }
        else
        {
            Check(obj, kind.Schema(), "", new Findings(unknown, invalid, Custom: false));
        }
        return new SchemaFindings(unknown, invalid);
    }

    static JsonObject Resolve(JsonObject schema)
    {
        while (true)
        {
            var reference = schema["$ref"]?.GetValue<string>()
                ?? (schema["allOf"] is JsonArray { Count: 1 } all ? all[0]?["$ref"]?.GetValue<string>() : null);
            if (reference is null)
            {
                return schema;
            }
            var name = reference.Split('/').Last();
            if (name == NotExtracted)
            {
                return new JsonObject { ["x-kubernetes-preserve-unknown-fields"] = true, ["type"] = "object" };
            }
            schema = Component(name);
        }
    }

    /// <summary>
    /// Where findings go. Custom: a CRD's structural schema, where an object without properties keeps no field (pruned);
    /// in the built-in OpenAPI document such an object is free-form (FieldsV1, RawExtension).
    /// </summary>
    sealed record Findings(List<string> Unknown, List<string> Invalid, bool Custom);

    static void Check(JsonNode? value, JsonObject schema, string path, Findings findings, string[]? ignoreRequired = null)
    {
        var (unknown, invalid) = (findings.Unknown, findings.Invalid);
        schema = Resolve(schema);
        if (value is null)
        {
            // JSON null leaves an optional field unset, as Go's decoder does.
            return;
        }
        if (schema["x-kubernetes-int-or-string"]?.GetValue<bool>() == true || schema["format"]?.GetValue<string>() == "int-or-string")
        {
            if (!IsType(value, "integer") && !IsType(value, "string"))
            {
                invalid.Add($"{path}: Invalid value: {value.ToJsonString()}: {path} in body must be of type integer-or-string");
            }
            return;
        }
        if ((schema["oneOf"] ?? schema["anyOf"]) is JsonArray choices && schema["type"] is null)
        {
            if (!choices.Any(c => c?["type"]?.GetValue<string>() is { } t && IsType(value, t)))
            {
                invalid.Add($"{path}: Invalid value: {value.ToJsonString()}: {path} in body must be of one of the types {string.Join(", ", choices.Select(c => c?["type"]))}");
            }
            return;
        }
        var type = schema["type"]?.GetValue<string>();
        if (type is not null && !IsType(value, type))
        {
            invalid.Add($"{path}: Invalid value: {value.ToJsonString()}: {path} in body must be of type {type}");
            return;
        }
        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            invalid.Add($"{path}: Unsupported value: {value.ToJsonString()}: supported values: {string.Join(", ", allowed.Select(a => a!.ToJsonString()))}");
        }
        if (value is JsonValue number && type is "integer" or "number")
        {
            var n = Number(number);
            if (schema["minimum"] is { } min && n < Number(min))
            {
                invalid.Add($"{path}: Invalid value: {n}: {path} in body should be greater than or equal to {min}");
            }
            if (schema["maximum"] is { } max && n > Number(max))
            {
                invalid.Add($"{path}: Invalid value: {n}: {path} in body should be less than or equal to {max}");
            }
        }
        if (value is JsonValue text && type == "string")
        {
            var length = text.GetValue<string>().Length;
            if (schema["minLength"] is { } minLength && length < minLength.GetValue<int>())
            {
                invalid.Add($"{path}: Invalid value: {text.ToJsonString()}: {path} in body should be at least {minLength} chars long");
            }
            if (schema["maxLength"] is { } maxLength && length > maxLength.GetValue<int>())
            {
                invalid.Add($"{path}: Too long: may not be more than {maxLength} bytes");
            }
        }
        if (value is JsonArray array && schema["items"] is JsonObject items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Check(array[i], items, $"{path}[{i}]", findings);
            }
        }
        if (value is JsonObject obj)
        {
            var properties = schema["properties"] as JsonObject;
            var open = schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;
            foreach (var (key, child) in obj)
            {
                var childPath = path.Length == 0 ? key : $"{path}.{key}";
                if (properties?[key] is JsonObject property)
                {
                    Check(child, property, childPath, findings);
                }
                else if (schema["additionalProperties"] is JsonObject additional)
                {
                    Check(child, additional, childPath, findings);
                }
                else if (!open && schema["additionalProperties"]?.GetValueKind() != System.Text.Json.JsonValueKind.True && (properties is not null || findings.Custom))
                {
                    unknown.Add(childPath);
                }
            }
            foreach (var required in schema["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? [])
            {
                if (obj[required] is null && ignoreRequired?.Contains(required) != true)
                {
                    invalid.Add($"{(path.Length == 0 ? required : $"{path}.{required}")}: Required value");
                }
            }
        }
    }

    /// <summary>A JSON number however it was made (parsed, or a C# int in a test's fixture).</summary>
    static decimal Number(JsonNode value) => decimal.Parse(value.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);

    static bool IsType(JsonNode value, string type) => type switch
    {
        "object" => value is JsonObject,
        "array" => value is JsonArray,
        "string" => value.GetValueKind() == System.Text.Json.JsonValueKind.String,
        "boolean" => value.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False,
        "integer" => value.GetValueKind() == System.Text.Json.JsonValueKind.Number && Number(value) % 1 == 0,
        "number" => value.GetValueKind() == System.Text.Json.JsonValueKind.Number,
        _ => true,
    };
}
