namespace MechanicBuddy.DedicatedProvisioner.Infrastructure.Kubernetes;

/// <summary>
/// Every write asks the API server to refuse a field it does not know (fieldValidation=Strict, 400 "strict decoding
/// error") instead of its default, which drops the field and only warns: a quota or policy that silently lost a field
/// (an older cluster, a typo) is a guard rail that is not there.
/// </summary>
public static class FieldValidation
{
    public const string Strict = "Strict";
}
