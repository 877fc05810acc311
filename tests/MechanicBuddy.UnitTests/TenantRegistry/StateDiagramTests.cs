using MechanicBuddy.Tenancy.Configuration;
using MechanicBuddy.TenantRegistry.StateMachines;
using MechanicBuddy.UnitTests.DedicatedProvisioner;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.UnitTests.TenantRegistry;

/// <summary>docs/states.md is drawn from the state machine and stays so.</summary>
public sealed class StateDiagramTests
{
    static readonly TenantLifecycleStateMachine Machine = new(Options.Create(new ProvisioningOptions()));
    static readonly string DocPath = Path.Combine(KubernetesPlatformTests.RepositoryRoot(), "docs", "states.md");
    const string Begin = "```mermaid\n";

    [Fact]
    public void The_transitions_include_the_ones_inside_conditional_branches()
    {
        var transitions = StateDiagram.Transitions(Machine);

        Assert.Contains(new StateDiagram.Transition("Active", "TierChangeRequested", "TierResizing"), transitions);
        Assert.Contains(new StateDiagram.Transition("Active", "TierChangeRequested", "TierProvisioningTarget"), transitions);
        Assert.Contains(new StateDiagram.Transition("TierResizing", "DedicatedResized", "Active"), transitions);
        Assert.DoesNotContain(transitions, t => t.From == "Deprovisioned");
        // Every state but the start is reached by some transition.
        var reached = transitions.Select(t => t.To).ToHashSet();
        Assert.All(Machine.States.Where(s => s != Machine.Initial && s != Machine.Final), s => Assert.Contains(s.Name, reached));
    }

    [Fact]
    public void Docs_states_md_is_the_diagram_of_the_machine_as_it_is()
    {
        var diagram = StateDiagram.Mermaid(Machine);
        if (Environment.GetEnvironmentVariable("MB_WRITE_STATE_DIAGRAM") == "1")
        {
            var doc = File.ReadAllText(DocPath);
            var start = doc.IndexOf(Begin, StringComparison.Ordinal) + Begin.Length;
            File.WriteAllText(DocPath, doc[..start] + diagram + doc[doc.IndexOf("```", start, StringComparison.Ordinal)..]);
        }

        var text = File.ReadAllText(DocPath).ReplaceLineEndings("\n");
        var from = text.IndexOf(Begin, StringComparison.Ordinal) + Begin.Length;
        Assert.True(from >= Begin.Length, "docs/states.md has no mermaid block");
        Assert.True(diagram == text[from..text.IndexOf("```", from, StringComparison.Ordinal)],
            "docs/states.md is out of date: run MB_WRITE_STATE_DIAGRAM=1 dotnet test tests/MechanicBuddy.UnitTests --filter StateDiagramTests, and commit it");
    }
}
