% foedus RTEC conformance fixture, description n_values.
% Written for foedus from scratch; RTEC event-description syntax.
%
%   door(X) = true / false    a multi-valued fluent whose values are true and false:
%                             open(X) sets true, shut(X) sets false, break(X) ends both.
%   draught(X)                blow(X) while door(X)=true; shut(X) ends it.
%   sealed(X)                 blow(X) while door(X)=false holds and door(X)=true does not.
%   in_g1(X)                  enter(X, g1): a constant in the event pattern; leave(X, g1) ends
%                             it; enter(X, G) for G = g2 (a comparison) starts in_g2(X).
%   in_g2(X)                  enter(X, G), G = g2; leave(X, G), G = g2 ends it.
%   cold(X)                   SDF: door(X)=true except in_g1(X), where X is not tagged
%                             (a negated background fact).
%   warm(X)                   SDF: in_g1(X) or in_g2(X), where X is tagged.
%
% Domain predicates: room(X), grp(G), tagged(X).

initiatedAt(door(X)=true, T)  :- happensAt(open(X), T).
initiatedAt(door(X)=false, T) :- happensAt(shut(X), T).
terminatedAt(door(X)=_V, T)   :- happensAt(break(X), T).

initiatedAt(draught(X)=true, T)  :- happensAt(blow(X), T), holdsAt(door(X)=true, T).
terminatedAt(draught(X)=true, T) :- happensAt(shut(X), T).

initiatedAt(sealed(X)=true, T)  :-
    happensAt(blow(X), T), holdsAt(door(X)=false, T), \+ holdsAt(door(X)=true, T).
terminatedAt(sealed(X)=true, T) :- happensAt(open(X), T).

initiatedAt(in_g1(X)=true, T)  :- happensAt(enter(X, g1), T).
terminatedAt(in_g1(X)=true, T) :- happensAt(leave(X, g1), T).
initiatedAt(in_g2(X)=true, T)  :- happensAt(enter(X, G), T), G = g2.
terminatedAt(in_g2(X)=true, T) :- happensAt(leave(X, G), T), G = g2.

holdsFor(cold(X)=true, I) :-
    \+ tagged(X),
    holdsFor(door(X)=true, I1),
    holdsFor(in_g1(X)=true, I2),
    relative_complement_all(I1, [I2], I).

holdsFor(warm(X)=true, I) :-
    tagged(X),
    holdsFor(in_g1(X)=true, I1),
    holdsFor(in_g2(X)=true, I2),
    union_all([I1, I2], I).

grounding(open(X))     :- room(X).
grounding(shut(X))     :- room(X).
grounding(break(X))    :- room(X).
grounding(blow(X))     :- room(X).
grounding(enter(X, G)) :- room(X), grp(G).
grounding(leave(X, G)) :- room(X), grp(G).
grounding(door(X)=true)    :- room(X).
grounding(door(X)=false)   :- room(X).
grounding(draught(X)=true) :- room(X).
grounding(sealed(X)=true)  :- room(X).
grounding(in_g1(X)=true)   :- room(X).
grounding(in_g2(X)=true)   :- room(X).
grounding(cold(X)=true)    :- room(X).
grounding(warm(X)=true)    :- room(X).
