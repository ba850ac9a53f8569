/** A domain event as deciders see it: a name in the past tense and its data. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

/**
 * A pure decider: `decide(command, state) → events`, `evolve(state, event) → state`.
 * No I/O, no clock, no randomness: time and ids come in with the command.
 * `decide` throws a DomainError to refuse a command.
 */
export interface Decider<State, Command, Event extends DomainEvent> {
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
  decide: (command: Command, state: State) => Event[];
}
