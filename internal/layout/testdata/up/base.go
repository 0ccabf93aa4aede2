package up

type value struct{ n int }

func base() value { return value{} }

func (v value) twice() int { return 2 * v.n }
