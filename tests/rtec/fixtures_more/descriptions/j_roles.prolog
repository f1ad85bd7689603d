% foedus RTEC conformance fixture, description j_roles.
% Written for foedus from scratch; RTEC event-description syntax.
%
% A multi-valued fluent of two arguments with terminations whose head has variables that
% the body does not bind; events of arity 1, 2 and 3 that share variables; a condition on
% background knowledge (a domain fact, and its negation).
%   role(P, C) = member / chair / observer   (person P in committee C)
%     join(P, C) makes a member, or an observer if P is a guest (a domain fact);
%     elect(P, C, By) makes P the chair (By is ignored here);
%     leave(P, C) ends member and chair (not observer);
%     retire(P) ends every value of P in every committee  (C and the value free in the head);
%     dissolve(C) ends the chair of C, whoever holds it   (P free in the head).
%   endorsed(P, C)  elect(P, C, By) while By chairs C (a shared variable across the event
%                   and the condition); retire(P) ends every endorsement of P.
%   self_made(P)    elect(P, C, P): a repeated variable in the event; suspend(P) ends it.
%   suspended(P)    suspend / reinstate.
%   veto(C)         motion(P, C) while P does not chair C starts it (negated holdsAt of one
%                   value); motion(P, C) while P chairs C ends it: two motions at one time
%                   point start and end it together.
%   seated(P, C)    SDF: union_all of member and chair (a value change keeps it seated).
%   voting(P, C)    SDF: seated minus suspended.
%
% Domain predicates: person(P), committee(C), guest(P).

initiatedAt(role(P, C)=member, T)   :- happensAt(join(P, C), T), \+ guest(P).
initiatedAt(role(P, C)=observer, T) :- happensAt(join(P, C), T), guest(P).
initiatedAt(role(P, C)=chair, T)    :- happensAt(elect(P, C, _By), T).
terminatedAt(role(P, C)=member, T)  :- happensAt(leave(P, C), T).
terminatedAt(role(P, C)=chair, T)   :- happensAt(leave(P, C), T).
terminatedAt(role(P, _C)=_V, T)     :- happensAt(retire(P), T).
terminatedAt(role(_P, C)=chair, T)  :- happensAt(dissolve(C), T).

initiatedAt(endorsed(P, C)=true, T) :-
    happensAt(elect(P, C, By), T), holdsAt(role(By, C)=chair, T).
terminatedAt(endorsed(P, _C)=true, T) :- happensAt(retire(P), T).

initiatedAt(self_made(P)=true, T)  :- happensAt(elect(P, _C, P), T).
terminatedAt(self_made(P)=true, T) :- happensAt(suspend(P), T).

initiatedAt(suspended(P)=true, T)  :- happensAt(suspend(P), T).
terminatedAt(suspended(P)=true, T) :- happensAt(reinstate(P), T).

initiatedAt(veto(C)=true, T)  :- happensAt(motion(P, C), T), \+ holdsAt(role(P, C)=chair, T).
terminatedAt(veto(C)=true, T) :- happensAt(motion(P, C), T), holdsAt(role(P, C)=chair, T).

holdsFor(seated(P, C)=true, I) :-
    holdsFor(role(P, C)=member, I1),
    holdsFor(role(P, C)=chair, I2),
    union_all([I1, I2], I).

holdsFor(voting(P, C)=true, I) :-
    holdsFor(seated(P, C)=true, I1),
    holdsFor(suspended(P)=true, I2),
    relative_complement_all(I1, [I2], I).

% Declarations.
grounding(join(P, C))          :- person(P), committee(C).
grounding(elect(P, C, By))     :- person(P), committee(C), person(By).
grounding(leave(P, C))         :- person(P), committee(C).
grounding(retire(P))           :- person(P).
grounding(dissolve(C))         :- committee(C).
grounding(suspend(P))          :- person(P).
grounding(reinstate(P))        :- person(P).
grounding(motion(P, C))        :- person(P), committee(C).
grounding(role(P, C)=member)   :- person(P), committee(C).
grounding(role(P, C)=chair)    :- person(P), committee(C).
grounding(role(P, C)=observer) :- person(P), committee(C).
grounding(endorsed(P, C)=true) :- person(P), committee(C).
grounding(self_made(P)=true)   :- person(P).
grounding(suspended(P)=true)   :- person(P).
grounding(veto(C)=true)        :- committee(C).
grounding(seated(P, C)=true)   :- person(P), committee(C).
grounding(voting(P, C)=true)   :- person(P), committee(C).
