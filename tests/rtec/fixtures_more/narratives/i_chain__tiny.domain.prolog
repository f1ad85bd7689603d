unit(u1).
unit(u2).
unit(u3).
