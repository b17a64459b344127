import pandas as pd

from graphfraud.io.write import write_csv


def test_write_csv_money_of_a_filtered_frame_stays_on_its_row(tmp_path):
    df = pd.DataFrame({"claim_id": ["C1", "C2", "C3"], "fund_amount": [1.0, 2.0, 3.0]}).iloc[[2, 0]]
    text = write_csv(df, tmp_path / "x.csv").read_text()
    assert text == "claim_id,fund_amount\nC3,3.00\nC1,1.00\n"
