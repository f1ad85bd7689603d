% foedus RTEC conformance fixture, description l_phases.
% Written for foedus from scratch; RTEC event-description syntax.
%
% Multi-valued fluents whose values end one another, statically determined fluents with
% values other than true, and values copied from them.
%   phase(X) = idle / run / halt / frozen
%     rest(X) sets idle, go(X) run, stop(X) and jam(X) halt; frozen is declared and never
%     initiated; jam(X) also terminates run (so go and jam at one time point initiate and
%     terminate run together, by different events); kill(X) ends every value.
%   gear(X) = low / mid / high
%     shift(X, G) sets G while phase run holds (values outside the grounding are ignored);
%     stop(X) sets low; kill(X) ends every value.
%   warn(X)   tick(X) while phase is not run (negated holdsAt of one value) and gear high
%             holds; rest(X) ends it.
%   speed(X) = fast / slow / zero   SDF, one rule per value:
%     fast = run intersect high; slow = run intersect (low union mid);
%     zero = union_all of idle, halt and frozen.
%   ticket(X)     radar(X) while speed fast; pay(X) ends it.
%   last_speed(X) = fast / slow / zero: radar(X) copies the speed that holds (a variable
%                 value read from an SDF).
%
% Domain predicates: car(X), gearval(G).

initiatedAt(phase(X)=idle, T) :- happensAt(rest(X), T).
initiatedAt(phase(X)=run, T)  :- happensAt(go(X), T).
initiatedAt(phase(X)=halt, T) :- happensAt(stop(X), T).
initiatedAt(phase(X)=halt, T) :- happensAt(jam(X), T).
terminatedAt(phase(X)=run, T) :- happensAt(jam(X), T).
terminatedAt(phase(X)=_V, T)  :- happensAt(kill(X), T).

initiatedAt(gear(X)=G, T)     :- happensAt(shift(X, G), T), holdsAt(phase(X)=run, T).
initiatedAt(gear(X)=low, T)   :- happensAt(stop(X), T).
terminatedAt(gear(X)=_V, T)   :- happensAt(kill(X), T).

initiatedAt(warn(X)=true, T)  :-
    happensAt(tick(X), T), \+ holdsAt(phase(X)=run, T), holdsAt(gear(X)=high, T).
terminatedAt(warn(X)=true, T) :- happensAt(rest(X), T).

holdsFor(speed(X)=fast, I) :-
    holdsFor(phase(X)=run, I1),
    holdsFor(gear(X)=high, I2),
    intersect_all([I1, I2], I).

holdsFor(speed(X)=slow, I) :-
    holdsFor(phase(X)=run, I1),
    holdsFor(gear(X)=low, I2),
    holdsFor(gear(X)=mid, I3),
    union_all([I2, I3], I23),
    intersect_all([I1, I23], I).

holdsFor(speed(X)=zero, I) :-
    holdsFor(phase(X)=idle, I1),
    holdsFor(phase(X)=halt, I2),
    holdsFor(phase(X)=frozen, I3),
    union_all([I1, I2, I3], I).

initiatedAt(ticket(X)=true, T)  :- happensAt(radar(X), T), holdsAt(speed(X)=fast, T).
terminatedAt(ticket(X)=true, T) :- happensAt(pay(X), T).

initiatedAt(last_speed(X)=S, T) :- happensAt(radar(X), T), holdsAt(speed(X)=S, T).

% Declarations.
grounding(rest(X))   :- car(X).
grounding(go(X))     :- car(X).
grounding(stop(X))   :- car(X).
grounding(jam(X))    :- car(X).
grounding(kill(X))   :- car(X).
grounding(shift(X, G)) :- car(X), gearval(G).
grounding(tick(X))   :- car(X).
grounding(radar(X))  :- car(X).
grounding(pay(X))    :- car(X).
grounding(phase(X)=idle)   :- car(X).
grounding(phase(X)=run)    :- car(X).
grounding(phase(X)=halt)   :- car(X).
grounding(phase(X)=frozen) :- car(X).
grounding(gear(X)=low)     :- car(X).
grounding(gear(X)=mid)     :- car(X).
grounding(gear(X)=high)    :- car(X).
grounding(warn(X)=true)    :- car(X).
grounding(speed(X)=fast)   :- car(X).
grounding(speed(X)=slow)   :- car(X).
grounding(speed(X)=zero)   :- car(X).
grounding(ticket(X)=true)  :- car(X).
grounding(last_speed(X)=fast) :- car(X).
grounding(last_speed(X)=slow) :- car(X).
grounding(last_speed(X)=zero) :- car(X).
