"""seventhworld: a southern retirement and tourist 地级市 in winter (候鸟 seniors, a 医共体); see README.md."""
