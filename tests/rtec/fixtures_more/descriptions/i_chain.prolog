% foedus RTEC conformance fixture, description i_chain.
% Written for foedus from scratch; RTEC event-description syntax.
%
% A dependency chain seven fluents deep that alternates simple fluents and statically
% determined fluents (SDF): a simple fluent whose initiation reads an SDF, an SDF over that
% simple fluent, a simple fluent over that SDF, and so on.
%   on(X)       simple: switch_on / switch_off
%   primed(X)   simple: prime / disarm; switch_off ends it too (one event, two fluents)
%   armed(X)    SDF: intersect_all of on and primed
%   firing(X)   simple: trigger while armed starts it; trigger while not armed, or cease, ends it
%   overload(X) simple: surge while not armed starts it; cease ends it
%   hazard(X)   SDF: union_all of firing and overload
%   lockdown(X) simple: inspect while hazard starts it; release while no hazard ends it
%   safe(X)     SDF: relative_complement_all(on, [lockdown, hazard])
%   alarm(X)    simple: inspect while lockdown holds and safe does not; switch_off ends it
%
% Domain predicate: unit(X).

initiatedAt(on(X)=true, T)       :- happensAt(switch_on(X), T).
terminatedAt(on(X)=true, T)      :- happensAt(switch_off(X), T).

initiatedAt(primed(X)=true, T)   :- happensAt(prime(X), T).
terminatedAt(primed(X)=true, T)  :- happensAt(disarm(X), T).
terminatedAt(primed(X)=true, T)  :- happensAt(switch_off(X), T).

holdsFor(armed(X)=true, I) :-
    holdsFor(on(X)=true, I1),
    holdsFor(primed(X)=true, I2),
    intersect_all([I1, I2], I).

initiatedAt(firing(X)=true, T)   :- happensAt(trigger(X), T), holdsAt(armed(X)=true, T).
terminatedAt(firing(X)=true, T)  :- happensAt(trigger(X), T), \+ holdsAt(armed(X)=true, T).
terminatedAt(firing(X)=true, T)  :- happensAt(cease(X), T).

initiatedAt(overload(X)=true, T) :- happensAt(surge(X), T), \+ holdsAt(armed(X)=true, T).
terminatedAt(overload(X)=true, T):- happensAt(cease(X), T).

holdsFor(hazard(X)=true, I) :-
    holdsFor(firing(X)=true, I1),
    holdsFor(overload(X)=true, I2),
    union_all([I1, I2], I).

initiatedAt(lockdown(X)=true, T) :- happensAt(inspect(X), T), holdsAt(hazard(X)=true, T).
terminatedAt(lockdown(X)=true, T):- happensAt(release(X), T), \+ holdsAt(hazard(X)=true, T).

holdsFor(safe(X)=true, I) :-
    holdsFor(on(X)=true, I1),
    holdsFor(lockdown(X)=true, I2),
    holdsFor(hazard(X)=true, I3),
    relative_complement_all(I1, [I2, I3], I).

initiatedAt(alarm(X)=true, T)    :-
    happensAt(inspect(X), T), holdsAt(lockdown(X)=true, T), \+ holdsAt(safe(X)=true, T).
terminatedAt(alarm(X)=true, T)   :- happensAt(switch_off(X), T).

% Declarations.
grounding(switch_on(X))       :- unit(X).
grounding(switch_off(X))      :- unit(X).
grounding(prime(X))           :- unit(X).
grounding(disarm(X))          :- unit(X).
grounding(trigger(X))         :- unit(X).
grounding(cease(X))           :- unit(X).
grounding(surge(X))           :- unit(X).
grounding(inspect(X))         :- unit(X).
grounding(release(X))         :- unit(X).
grounding(on(X)=true)         :- unit(X).
grounding(primed(X)=true)     :- unit(X).
grounding(armed(X)=true)      :- unit(X).
grounding(firing(X)=true)     :- unit(X).
grounding(overload(X)=true)   :- unit(X).
grounding(hazard(X)=true)     :- unit(X).
grounding(lockdown(X)=true)   :- unit(X).
grounding(safe(X)=true)       :- unit(X).
grounding(alarm(X)=true)      :- unit(X).
