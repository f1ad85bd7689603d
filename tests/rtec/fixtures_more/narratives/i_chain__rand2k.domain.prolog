unit(u1).
unit(u2).
unit(u3).
unit(u4).
unit(u5).
