"""Channel preferences per pseudonymous customer: the channels customers use, where their issues get
resolved first time, their satisfaction per channel, and the segments they form."""
