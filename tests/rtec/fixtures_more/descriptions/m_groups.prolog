% foedus RTEC conformance fixture, description m_groups.
% Written for foedus from scratch; RTEC event-description syntax.
%
% A fluent and events of no argument, conditions that join (variables bound by one holdsAt
% and used by the next, or bound by nothing else), values bound by background facts (several
% at once), and statically determined fluents whose head takes variables from a fluent's value.
%   session           open / close (no argument).
%   member(P, G)      join(P, G) / quit(P, G); purge (no argument) ends every membership.
%   active(P)         ping(P) while P is a member of some group and the session is open;
%                     close ends every active(P) (P free in the head).
%   loner(P)          ping(P) while P is a member of no group; join(P, G) ends it.
%   friend(P, Q)      ping(P) while P and Q are members of one group, P \= Q; quarrel(P) ends
%                     every friendship of P, on either side.
%   leader(G) = P     lead(P, G) while P is a member of G; quit(P, G) ends leader(G)=P (the
%                     value bound by the event). Every person is a declared value.
%   outsider(P)       ping(P) while P is a member of some G whose leader is not P.
%   colour(P) = C     paint(P, C) sets C (green is not declared: ignored); fade(P, C) ends C;
%                     dye(P) sets every colour kind(P, C) gives (two at once break each other);
%                     wash(P) ends the colours kind(P, C) gives.
%   together(P, Q, G) SDF: member(P, G) intersect member(Q, G), P \= Q.
%   open_member(P, G) SDF: member(P, G) intersect session.
%   led_by(G) = P     SDF: leader(G)=P while P is a member (a value from a body variable).
%   tinted(P, G, C)   SDF: member(P, G) intersect colour(P)=C (a head variable bound by a value).
%
% Domain predicates: person(P), group(G), colourval(C), kind(P, C).

initiatedAt(session=true, T)  :- happensAt(open, T).
terminatedAt(session=true, T) :- happensAt(close, T).

initiatedAt(member(P, G)=true, T)    :- happensAt(join(P, G), T).
terminatedAt(member(P, G)=true, T)   :- happensAt(quit(P, G), T).
terminatedAt(member(_P, _G)=true, T) :- happensAt(purge, T).

initiatedAt(active(P)=true, T) :-
    happensAt(ping(P), T), holdsAt(member(P, _G)=true, T), holdsAt(session=true, T).
terminatedAt(active(_P)=true, T) :- happensAt(close, T).

initiatedAt(loner(P)=true, T)  :- happensAt(ping(P), T), \+ holdsAt(member(P, _G)=true, T).
terminatedAt(loner(P)=true, T) :- happensAt(join(P, _G), T).

initiatedAt(friend(P, Q)=true, T) :-
    happensAt(ping(P), T),
    holdsAt(member(P, G)=true, T),
    holdsAt(member(Q, G)=true, T),
    P \= Q.
terminatedAt(friend(P, _Q)=true, T) :- happensAt(quarrel(P), T).
terminatedAt(friend(_P, Q)=true, T) :- happensAt(quarrel(Q), T).

initiatedAt(leader(G)=P, T)  :- happensAt(lead(P, G), T), holdsAt(member(P, G)=true, T).
terminatedAt(leader(G)=P, T) :- happensAt(quit(P, G), T).

initiatedAt(outsider(P)=true, T) :-
    happensAt(ping(P), T),
    holdsAt(member(P, G)=true, T),
    \+ holdsAt(leader(G)=P, T).
terminatedAt(outsider(P)=true, T) :- happensAt(lead(P, _G), T).

initiatedAt(colour(P)=C, T)  :- happensAt(paint(P, C), T).
terminatedAt(colour(P)=C, T) :- happensAt(fade(P, C), T).
initiatedAt(colour(P)=C, T)  :- happensAt(dye(P), T), kind(P, C).
terminatedAt(colour(P)=C, T) :- happensAt(wash(P), T), kind(P, C).

holdsFor(together(P, Q, G)=true, I) :-
    holdsFor(member(P, G)=true, I1),
    holdsFor(member(Q, G)=true, I2),
    P \= Q,
    intersect_all([I1, I2], I).

holdsFor(open_member(P, G)=true, I) :-
    holdsFor(member(P, G)=true, I1),
    holdsFor(session=true, I2),
    intersect_all([I1, I2], I).

holdsFor(led_by(G)=P, I) :-
    holdsFor(leader(G)=P, I1),
    holdsFor(member(P, G)=true, I2),
    intersect_all([I1, I2], I).

holdsFor(tinted(P, G, C)=true, I) :-
    holdsFor(member(P, G)=true, I1),
    holdsFor(colour(P)=C, I2),
    intersect_all([I1, I2], I).

% Declarations.
grounding(open).
grounding(close).
grounding(purge).
grounding(join(P, G))    :- person(P), group(G).
grounding(quit(P, G))    :- person(P), group(G).
grounding(ping(P))       :- person(P).
grounding(quarrel(P))    :- person(P).
grounding(lead(P, G))    :- person(P), group(G).
grounding(paint(P, C))   :- person(P), colourval(C).
grounding(fade(P, C))    :- person(P), colourval(C).
grounding(dye(P))        :- person(P).
grounding(wash(P))       :- person(P).
grounding(session=true).
grounding(member(P, G)=true)      :- person(P), group(G).
grounding(active(P)=true)         :- person(P).
grounding(loner(P)=true)          :- person(P).
grounding(friend(P, Q)=true)      :- person(P), person(Q).
grounding(outsider(P)=true)       :- person(P).
grounding(colour(P)=red)          :- person(P).
grounding(colour(P)=blue)         :- person(P).
grounding(together(P, Q, G)=true) :- person(P), person(Q), group(G).
grounding(open_member(P, G)=true) :- person(P), group(G).
grounding(tinted(P, G, C)=true)   :- person(P), group(G), colourval(C).
grounding(leader(G)=p1)           :- group(G).
grounding(leader(G)=p2)           :- group(G).
grounding(leader(G)=p3)           :- group(G).
grounding(leader(G)=p4)           :- group(G).
grounding(leader(G)=p5)           :- group(G).
grounding(led_by(G)=p1)           :- group(G).
grounding(led_by(G)=p2)           :- group(G).
grounding(led_by(G)=p3)           :- group(G).
grounding(led_by(G)=p4)           :- group(G).
grounding(led_by(G)=p5)           :- group(G).
