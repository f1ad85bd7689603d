% foedus RTEC conformance fixture, description k_lists.
% Written for foedus from scratch; RTEC event-description syntax.
%
% Interval-list operations over three to five lists, several of them often or always empty.
%   a(X), b(X), c(X), d(X)  Boolean simple fluents (<f>_on / <f>_off); swap(X) ends a and
%                           starts b at one time point; d is switched rarely.
%   ghost(X)                initiated only by ghost_on(X), which no narrative contains: it
%                           never holds.
%   any(X)    union_all of a, b, c, d, ghost (five lists, one always empty)
%   all(X)    intersect_all of a, b, c, d
%   never(X)  intersect_all of a, ghost, b (always empty)
%   solo(X)   relative_complement_all(a, [b, c, d, ghost])
%   shadow(X) relative_complement_all(ghost, [a]) (always empty)
%   pairs(X)  union_all of (a intersect b) and (c intersect d), in one body
%   mirror(X) the intervals of a, copied
%   odd(X)    relative_complement_all(any, [all, pairs, never]): SDFs over SDFs
%   deep(X)   intersect_all of odd with the union of solo, b and shadow: four SDF levels
%
% Domain predicate: lamp(X).

initiatedAt(a(X)=true, T)  :- happensAt(a_on(X), T).
terminatedAt(a(X)=true, T) :- happensAt(a_off(X), T).
terminatedAt(a(X)=true, T) :- happensAt(swap(X), T).
initiatedAt(b(X)=true, T)  :- happensAt(b_on(X), T).
initiatedAt(b(X)=true, T)  :- happensAt(swap(X), T).
terminatedAt(b(X)=true, T) :- happensAt(b_off(X), T).
initiatedAt(c(X)=true, T)  :- happensAt(c_on(X), T).
terminatedAt(c(X)=true, T) :- happensAt(c_off(X), T).
initiatedAt(d(X)=true, T)  :- happensAt(d_on(X), T).
terminatedAt(d(X)=true, T) :- happensAt(d_off(X), T).
initiatedAt(ghost(X)=true, T) :- happensAt(ghost_on(X), T).

holdsFor(any(X)=true, I) :-
    holdsFor(a(X)=true, IA), holdsFor(b(X)=true, IB), holdsFor(c(X)=true, IC),
    holdsFor(d(X)=true, ID), holdsFor(ghost(X)=true, IG),
    union_all([IA, IB, IC, ID, IG], I).

holdsFor(all(X)=true, I) :-
    holdsFor(a(X)=true, IA), holdsFor(b(X)=true, IB), holdsFor(c(X)=true, IC),
    holdsFor(d(X)=true, ID),
    intersect_all([IA, IB, IC, ID], I).

holdsFor(never(X)=true, I) :-
    holdsFor(a(X)=true, IA), holdsFor(ghost(X)=true, IG), holdsFor(b(X)=true, IB),
    intersect_all([IA, IG, IB], I).

holdsFor(solo(X)=true, I) :-
    holdsFor(a(X)=true, IA), holdsFor(b(X)=true, IB), holdsFor(c(X)=true, IC),
    holdsFor(d(X)=true, ID), holdsFor(ghost(X)=true, IG),
    relative_complement_all(IA, [IB, IC, ID, IG], I).

holdsFor(shadow(X)=true, I) :-
    holdsFor(ghost(X)=true, IG), holdsFor(a(X)=true, IA),
    relative_complement_all(IG, [IA], I).

holdsFor(pairs(X)=true, I) :-
    holdsFor(a(X)=true, IA), holdsFor(b(X)=true, IB), holdsFor(c(X)=true, IC),
    holdsFor(d(X)=true, ID),
    intersect_all([IA, IB], IAB),
    intersect_all([IC, ID], ICD),
    union_all([IAB, ICD], I).

holdsFor(mirror(X)=true, I) :-
    holdsFor(a(X)=true, I).

holdsFor(odd(X)=true, I) :-
    holdsFor(any(X)=true, IAny), holdsFor(all(X)=true, IAll),
    holdsFor(pairs(X)=true, IP), holdsFor(never(X)=true, IN),
    relative_complement_all(IAny, [IAll, IP, IN], I).

holdsFor(deep(X)=true, I) :-
    holdsFor(odd(X)=true, IO), holdsFor(solo(X)=true, IS), holdsFor(b(X)=true, IB),
    holdsFor(shadow(X)=true, ISh),
    union_all([IS, IB, ISh], IU),
    intersect_all([IO, IU], I).

% Declarations.
grounding(a_on(X))  :- lamp(X).
grounding(a_off(X)) :- lamp(X).
grounding(b_on(X))  :- lamp(X).
grounding(b_off(X)) :- lamp(X).
grounding(c_on(X))  :- lamp(X).
grounding(c_off(X)) :- lamp(X).
grounding(d_on(X))  :- lamp(X).
grounding(d_off(X)) :- lamp(X).
grounding(swap(X))  :- lamp(X).
grounding(ghost_on(X)) :- lamp(X).
grounding(a(X)=true)      :- lamp(X).
grounding(b(X)=true)      :- lamp(X).
grounding(c(X)=true)      :- lamp(X).
grounding(d(X)=true)      :- lamp(X).
grounding(ghost(X)=true)  :- lamp(X).
grounding(any(X)=true)    :- lamp(X).
grounding(all(X)=true)    :- lamp(X).
grounding(never(X)=true)  :- lamp(X).
grounding(solo(X)=true)   :- lamp(X).
grounding(shadow(X)=true) :- lamp(X).
grounding(pairs(X)=true)  :- lamp(X).
grounding(mirror(X)=true) :- lamp(X).
grounding(odd(X)=true)    :- lamp(X).
grounding(deep(X)=true)   :- lamp(X).
