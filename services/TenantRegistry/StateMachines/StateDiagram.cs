using System.Text;
using MassTransit;
using MassTransit.SagaStateMachine;

namespace MechanicBuddy.TenantRegistry.StateMachines;

/// <summary>
/// The tenant state machine drawn from the machine itself: every TransitionTo in every When, inside If/IfElse branches
/// too, as a Mermaid state diagram (docs/states.md; a test keeps that file equal to this). MassTransit's own graph
/// shares one vertex per event between all states, which would draw transitions that do not exist.
/// </summary>
public static class StateDiagram
{
    public sealed record Transition(string From, string Event, string To);

    public static IReadOnlyList<Transition> Transitions(TenantLifecycleStateMachine machine)
    {
        var visitor = new TransitionVisitor();
        machine.Accept(visitor);
        return [.. visitor.Found.OrderBy(t => t.From, StringComparer.Ordinal).ThenBy(t => t.To, StringComparer.Ordinal).ThenBy(t => t.Event, StringComparer.Ordinal)];
    }

    public static string Mermaid(TenantLifecycleStateMachine machine)
    {
        var text = new StringBuilder("stateDiagram-v2\n");
        // A refused signup goes from Initial straight to Final: no tenant, nothing to draw.
        foreach (var edge in Transitions(machine).Where(t => t.From != machine.Initial.Name || t.To != machine.Final.Name).GroupBy(t => (t.From, t.To)))
        {
            // Mermaid's [*] is both the start (Initial) and the end (Final).
            var from = edge.Key.From == machine.Initial.Name ? "[*]" : edge.Key.From;
            var to = edge.Key.To == machine.Final.Name ? "[*]" : edge.Key.To;
            text.Append("    ").Append(from).Append(" --> ").Append(to).Append(": ").AppendJoin(", ", edge.Select(t => t.Event).Distinct()).Append('\n');
        }
        return text.ToString();
    }

    sealed class TransitionVisitor : StateMachineVisitor
    {
        State? _state;
        Event? _event;

        public HashSet<Transition> Found { get; } = [];

        public void Visit(State state, Action<State> next)
        {
            _state = state;
            next(state);
        }

        public void Visit(Event @event, Action<Event> next)
        {
            _event = @event;
            next(@event);
        }

        public void Visit<TMessage>(Event<TMessage> @event, Action<Event<TMessage>> next)
            where TMessage : class
        {
            _event = @event;
            next(@event);
        }

        public void Visit(IStateMachineActivity activity) => Visit(activity, _ => { });

        public void Visit(IStateMachineActivity activity, Action<IStateMachineActivity> next)
        {
            if (activity is TransitionActivity<TenantState> transition && _state is not null && _event is not null)
            {
                Found.Add(new Transition(_state.Name, _event.Name, transition.ToState.Name));
            }
            next(activity);
        }

        public void Visit<T>(IBehavior<T> behavior)
            where T : class, SagaStateMachineInstance => Visit(behavior, _ => { });

        public void Visit<T>(IBehavior<T> behavior, Action<IBehavior<T>> next)
            where T : class, SagaStateMachineInstance => next(behavior);

        public void Visit<T, TMessage>(IBehavior<T, TMessage> behavior)
            where T : class, SagaStateMachineInstance
            where TMessage : class => Visit(behavior, _ => { });

        public void Visit<T, TMessage>(IBehavior<T, TMessage> behavior, Action<IBehavior<T, TMessage>> next)
            where T : class, SagaStateMachineInstance
            where TMessage : class => next(behavior);
    }
}
