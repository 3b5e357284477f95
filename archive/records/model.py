"""The household record format: one UTF-8 JSON file per household.

The models are the single definition of the format: `dibao schema` prints them as
JSON Schema (titles and descriptions in Chinese, for editors), records are parsed
into them, and every later stage (calculations, forms, archive, audit) reads them.

Money is Decimal (write it as a string, "1234.50"; plain numbers are accepted),
dates are ISO dates ("2023-05-01"), months are "2023-05".  Unknown fields are
errors, so a misspelt field is caught; put free notes in `notes`.
"""

from __future__ import annotations

import builtins
import re
import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCHEMA_VERSION = 1

HOUSEHOLD_TYPES = ("城市低保", "农村低保", "特困", "低保边缘")
MONEY_MAX = Decimal("100000000")  # 1亿元: anything above is a typing error

Money = Annotated[
    Decimal,
    Field(ge=0, le=MONEY_MAX, max_digits=14, decimal_places=2,
          description="金额（元），写成字符串，如 \"1234.50\"；最多两位小数"),
]
SignedMoney = Annotated[
    Decimal,
    Field(ge=-MONEY_MAX, le=MONEY_MAX, max_digits=14, decimal_places=2,
          description="金额（元），可为负数（如扣减、追回）"),
]
Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="月份，如 2024-05")]
Text = Annotated[str, Field(max_length=2000)]
ShortText = Annotated[str, Field(max_length=200)]
Name = Annotated[str, Field(min_length=1, max_length=50, description="姓名")]
IdNumber = Annotated[str, Field(description="18位公民身份号码（GB 11643），最后一位可为X")]


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False)


class Disability(_Base):
    category: Literal["视力", "听力", "言语", "肢体", "智力", "精神", "多重"] = Field(title="残疾类别")
    grade: Literal["一级", "二级", "三级", "四级"] = Field(title="残疾等级")
    certificate_no: ShortText | None = Field(None, title="残疾证号")


class Member(_Base):
    """共同生活的家庭成员（户主也在其中，与户主关系写“本人”）。"""

    name: Name = Field(title="姓名")
    sex: Literal["男", "女"] = Field(title="性别")
    ethnicity: ShortText = Field("汉族", title="民族")
    id_number: IdNumber | None = Field(None, title="身份证号")
    birth_date: dt.date | None = Field(None, title="出生日期", description="没有身份证号时必填")
    relation: ShortText = Field(title="与户主关系", description="户主本人写“本人”；其他如 配偶、子、女、父亲、母亲、孙子、孙女、儿媳、女婿")
    marital: Literal["未婚", "已婚", "离异", "丧偶"] | None = Field(None, title="婚姻状况")
    health: Literal["健康", "慢性病", "重病", "残疾", "体弱"] = Field("健康", title="健康状况")
    illness: ShortText | None = Field(None, title="疾病名称")
    disability: Disability | None = Field(None, title="残疾类别等级")
    education: ShortText | None = Field(None, title="文化程度")
    occupation: ShortText | None = Field(None, title="职业状况", description="如 老年人、在职职工、灵活就业人员、登记失业人员、未登记失业人员、在校学生、学龄前儿童、其他人员")
    employer: ShortText | None = Field(None, title="工作学习单位")
    labor_capable: bool | None = Field(None, title="是否有劳动能力")
    monthly_income: Money | None = Field(None, title="月收入（元）")
    covered: bool = Field(True, title="是否保障人口")
    phone: ShortText | None = Field(None, title="联系电话")
    personnel_category: ShortText | None = Field(None, title="人员类别", description="如 重残、重病、老年人、未成年人、单亲家庭")
    death_date: dt.date | None = Field(None, title="死亡日期")


class Obligor(_Base):
    """分户的法定赡养、抚养、扶养义务人（含配偶、子女）。"""

    name: Name = Field(title="姓名")
    sex: Literal["男", "女"] | None = Field(None, title="性别")
    id_number: IdNumber | None = Field(None, title="身份证号")
    birth_date: dt.date | None = Field(None, title="出生日期")
    relation: ShortText = Field(title="与申请人关系")
    marital: Literal["未婚", "已婚", "离异", "丧偶"] | None = Field(None, title="婚姻状况")
    health: ShortText | None = Field(None, title="健康状况（残疾类别、等级）")
    occupation: ShortText | None = Field(None, title="从业、就读状况")
    employer: ShortText | None = Field(None, title="工作单位")
    annual_income: Money | None = Field(None, title="年收入（元）")
    income_kind: Literal["工资性收入", "经营净收入", "财产净收入", "转移净收入", "其他收入"] | None = Field(
        None, title="年收入类别", description="入户调查表按类别填写义务人收入；不填则按从业状况判断（个体经营→经营净收入）")
    support_per_year: Money = Field(Decimal("0"), title="年赡（抚、扶）养费（元）",
                                    description="计入本户转移净收入中的赡（抚、扶）养收入")
    support_years: list[Annotated[int, Field(ge=2000, le=2100)]] = Field(
        default_factory=list, max_length=100, title="赡养费适用年度",
        description="只在这些年度计入赡养费，如 [2023, 2024]；不填则每个核算年度都计入（核算时会提示）")
    able_to_support: bool | None = Field(None, title="有无赡、抚、扶养能力")
    hardship_type: Literal["低保", "特困", "低边", "监测户", "无"] | None = Field(None, title="困难类型")


class Address(_Base):
    registered: ShortText | None = Field(None, title="户籍地址")
    residence: ShortText | None = Field(None, title="常住地址（详细住址，不对外公示）")


class Housing(_Base):
    category: ShortText | None = Field(None, title="住房类别", description="如 自有住房、租住、借住")
    nature: ShortText | None = Field(None, title="住房性质", description="自有私房、租用公房、租用私房、临时搭建房、借住房等")
    area: Annotated[Decimal, Field(ge=0, le=100000)] | None = Field(None, title="住房面积（平方米）")
    rooms: Annotated[int, Field(ge=0, le=1000)] | None = Field(None, title="间数")
    floors: Annotated[int, Field(ge=0, le=200)] | None = Field(None, title="层数")
    structure: ShortText | None = Field(None, title="结构", description="如 砖混、砖木、土木、框架")
    built_year: Annotated[int, Field(ge=1800, le=2100)] | None = Field(None, title="建房时间（年）")
    dangerous: bool | None = Field(None, title="是否危房")
    decoration: ShortText | None = Field(None, title="装修程度")


class House(_Base):
    address: ShortText = Field(title="房屋地址")
    area: Annotated[Decimal, Field(ge=0, le=100000)] | None = Field(None, title="建筑面积（平方米）")
    nature: ShortText | None = Field(None, title="房屋性质")
    source: ShortText | None = Field(None, title="房屋来源", description="自购房、自建房、回迁房、承租公房")
    acquired: dt.date | None = Field(None, title="购（建）房时间")


class Vehicle(_Base):
    owner: Name = Field(title="车（船）主姓名")
    model: ShortText | None = Field(None, title="车（船）型")
    plate: ShortText | None = Field(None, title="车（船）牌号")
    displacement: ShortText | None = Field(None, title="排气量")
    purchased: dt.date | None = Field(None, title="购买时间")
    price: Money | None = Field(None, title="购买金额（元）")


class Property(_Base):
    deposits: Money = Field(Decimal("0"), title="银行存款（元）")
    securities: Money = Field(Decimal("0"), title="有价证券（元）")
    claims: Money = Field(Decimal("0"), title="债权（元）")
    houses: list[House] = Field(default_factory=list, title="房产", max_length=50)
    vehicles: list[Vehicle] = Field(default_factory=list, title="机动车（船）", max_length=50)
    appliances: ShortText | None = Field(None, title="家用电器")
    other: Text | None = Field(None, title="其他财产")


INCOME_CATEGORIES = ("工资性收入", "经营净收入", "财产净收入", "转移净收入", "其他收入")


class Income(_Base):
    """一项年收入（按收入计算评估表的分类）。经营净收入可写收入和支出，由程序算净额。"""

    year: Annotated[int, Field(ge=2000, le=2100)] = Field(title="核算年度")
    category: Literal["工资性收入", "经营净收入", "财产净收入", "转移净收入", "其他收入"] = Field(title="收入类别")
    item: ShortText = Field(title="项目", description="如 服务业、建筑行业、打零工工资、农业种植、养殖业、土地流转收入、惠农政策补贴、离退休养老保险金")
    member: ShortText | None = Field(None, title="取得收入的成员")
    wage_kind: Literal["固定务工", "打零工"] | None = Field(None, title="工资形式")
    amount: Money | None = Field(None, title="年（净）收入（元）")
    gross: Money | None = Field(None, title="生产经营收入（元）")
    cost: Money | None = Field(None, title="生产经营支出（元）")
    note: ShortText | None = Field(None, title="备注")


class Expense(_Base):
    """可扣减的刚性支出，须有佐证材料（扫描件类型见 attachments）。"""

    year: Annotated[int, Field(ge=2000, le=2100)] = Field(title="核算年度")
    kind: Literal["重病", "教育", "就业"] = Field(title="支出类别")
    member: ShortText | None = Field(None, title="相关成员")
    amount: Money = Field(title="实际支出（元/年）")
    rate: Annotated[Decimal, Field(ge=Decimal("0.05"), le=Decimal("0.10"))] | None = Field(
        None, title="就业支出扣减比例", description="仅就业支出：按家庭收入的5%—10%扣减，如 0.08")
    note: ShortText | None = Field(None, title="说明")


class BankAccount(_Base):
    bank: ShortText = Field(title="开户银行")
    card_number: Annotated[str, Field(pattern=r"^\d{12,19}$")] = Field(title="银行卡（存折）号")
    holder: Name | None = Field(None, title="户名")


class OfficialRelative(_Base):
    """村（社区）两委干部和低保经办人员近亲属申请（享受）低保待遇的备案信息。"""

    official_name: Name = Field(title="基层干部及经办人姓名")
    unit: ShortText = Field(title="单位")
    post: ShortText = Field(title="职务")
    relation: ShortText = Field(title="与享受人关系")
    guarantor: Name | None = Field(None, title="担保承诺人")
    filed_date: dt.date | None = Field(None, title="备案日期")
    county_check: Text | None = Field(None, title="县级调查核实意见")


class ExtremePoverty(_Base):
    """特困人员供养信息。"""

    care_mode: Literal["分散供养", "集中供养"] = Field(title="供养方式")
    self_care: Literal["全自理", "半护理", "全护理"] = Field(title="当前生活自理能力")
    basic_living_fee: Money | None = Field(None, title="基本生活费（元/月）")
    care_fee: Money | None = Field(None, title="照料护理费（元/月）")
    since: dt.date | None = Field(None, title="享受特困时间")
    caregiver: Name | None = Field(None, title="照料护理人")


class Payment(_Base):
    month: Month = Field(title="发放月份")
    amount: SignedMoney = Field(title="发放金额（元）")
    kind: Literal["正常发放", "提标补发", "补发", "扣减", "停发", "追回"] = Field("正常发放", title="类别")
    bank: ShortText | None = Field(None, title="发放银行")
    paid_date: dt.date | None = Field(None, title="到账日期")
    note: ShortText | None = Field(None, title="说明")


class Amounts(_Base):
    """享受金额（元/月）：保障金、分类金、兜底金、其他。"""

    basic: Money = Field(Decimal("0"), title="保障金")
    classified: Money = Field(Decimal("0"), title="分类金")
    fallback: Money = Field(Decimal("0"), title="兜底金")
    other: Money = Field(Decimal("0"), title="其他")


class Situation(_Base):
    """变更前或变更后的享受情况。"""

    head: Name | None = Field(None, title="户主姓名")
    covered_count: Annotated[int, Field(ge=0, le=100)] | None = Field(None, title="保障人口")
    monthly_income: Money | None = Field(None, title="家庭月收入（元）")
    amounts: Amounts = Field(default_factory=Amounts, title="享受金额")
    type: Literal["城市低保", "农村低保", "特困", "低保边缘"] | None = Field(None, title="对象类型")


# ---------------------------------------------------------------- events

class _Event(_Base):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-\u4e00-\u9fff]{1,40}$")] | None = Field(
        None, title="事件编号", description="可选；用于 --event 选择，也用于扫描件命名")
    date: dt.date = Field(title="日期")
    doc_no: ShortText | None = Field(None, title="文号", description="发文字号，如 岳民审〔2024〕12号；印在卷内目录的“文号”栏")
    notes: Text | None = Field(None, title="备注")


Investigators = Annotated[list[Name], Field(max_length=20, title="入户调查人员（两人以上，签字）")]


class Application(_Event):
    type: Literal["申请"]
    applicant: Name = Field(title="申请人")
    scope: Literal["家庭", "个人"] = Field("家庭", title="申请名义")
    program: Literal["城市最低生活保障", "农村最低生活保障", "特困人员供养", "低保边缘"] = Field(title="申请救助类别")
    reason: Text = Field(title="申请理由")
    accepted: dt.date | None = Field(None, title="受理日期")
    extended: bool = Field(False, title="特殊情况延长审核期限（45个工作日）")
    main_expenses: ShortText | None = Field(None, title="家庭主要支出")
    is_official_relative: bool = Field(False, title="家庭成员近亲属中有无低保经办人员或村干部")


class Visit(_Event):
    type: Literal["入户调查"]
    investigators: Investigators
    household_rep: Name | None = Field(None, title="被调查家庭成员代表")
    difficulty: Text | None = Field(None, title="家庭综合困难情况")
    consistent: bool | None = Field(None, title="是否与申请材料一致")
    explanation: Text | None = Field(None, title="说明情况")
    preliminary_opinion: Text | None = Field(None, title="综合便民服务中心初审意见")
    preliminary_date: dt.date | None = Field(None, title="初审日期", description="不填则按入户调查日期打印")


class Publicity(_Event):
    """公示：date 为公示开始日期。"""

    type: Literal["审核公示", "确认公示"]
    end: dt.date = Field(title="公示结束日期")
    objection: bool = Field(False, title="公示期内是否有异议")
    objection_content: Text | None = Field(None, title="被举报（异议）内容")


class Reinvestigation(_Event):
    type: Literal["再次调查"]
    investigators: Investigators
    reported_content: Text = Field(title="被举报内容")
    confirmed: bool = Field(title="举报内容是否属实")
    explanation: Text | None = Field(None, title="说明情况")
    household_rep: Name | None = Field(None, title="被调查家庭成员代表")


class Decision(_Event):
    """审核确认：date 为确认日期。"""

    type: Literal["审核确认"]
    review_date: dt.date | None = Field(None, title="审核日期")
    approved: bool = Field(title="是否同意纳入")
    start_month: Month | None = Field(None, title="从何月起执行")
    per_person: Money | None = Field(None, title="人均补助金额（元/月）")
    household_amount: Money | None = Field(None, title="家庭补助金额（元/月）")
    covered_count: Annotated[int, Field(ge=0, le=100)] | None = Field(None, title="保障人口数")
    handler: Name | None = Field(None, title="经办人")
    leader: Name | None = Field(None, title="负责人")
    economic_summary: Text | None = Field(None, title="家庭经济状况")


class Refusal(_Event):
    """不予批准：date 为作出决定的日期。"""

    type: Literal["不予批准"]
    reason_kind: Literal["收入超标", "财产不符"] = Field(title="不予批准原因")
    per_capita_income: Money | None = Field(None, title="人均收入（元）")
    standard: Money | None = Field(None, title="低保标准（元）")
    unit: Literal["月", "年"] = Field("月", title="金额单位")
    property_detail: Text | None = Field(None, title="财产不符的具体表现")
    notified: dt.date | None = Field(None, title="书面告知日期")
    recipient: Name | None = Field(None, title="受送达人")


class AnnualReview(_Event):
    """年审、复查：date 为入户复查日期。"""

    type: Literal["年度审核"]
    year: Annotated[int, Field(ge=2000, le=2100)] = Field(title="年审年度")
    investigators: Investigators
    improved: bool | None = Field(None, title="生活是否有所改善")
    over_standard: bool | None = Field(None, title="家庭收入是否超出低保标准")
    still_needs: bool | None = Field(None, title="是否还需要救助")
    conclusion: Literal["维持", "增加保障金", "减少保障金", "停发", "取消", "变更"] = Field("维持", title="复查结论")
    village_opinion: Text | None = Field(None, title="村（居）委会调查意见")
    town_opinion: Text | None = Field(None, title="乡（镇）审核意见")
    situation: Text | None = Field(None, title="入户调查情况、家庭情况变化及动态管理说明")
    flags: list[ShortText] = Field(default_factory=list, title="其他情形",
                                   description="如 有高档家用电器、不配合入户调查 等（对应年度审核登记表“其他”栏）")


class Change(_Event):
    type: Literal["变更"]
    reason: Text = Field(title="变更原因")
    before: Situation = Field(title="原享受情况")
    after: Situation = Field(title="变更后享受情况")


class PeriodicCheck(_Event):
    type: Literal["定期核查"]
    investigators: Investigators
    situation: Text = Field(title="调查情况")
    conclusion: Text = Field(title="调查结论")


class Renewal(_Event):
    """续保登记（000 二(二)：每季度末对在册低保对象进行续保登记，及时了解低保对象最新的家庭情况及联系方式）。"""

    type: Literal["续保登记"]
    registrar: Name | None = Field(None, title="登记人")
    phone: ShortText | None = Field(None, title="联系电话（核实后的）")
    changed: bool | None = Field(None, title="家庭情况有无变化")
    situation: Text | None = Field(None, title="家庭情况")


class Exit(_Event):
    type: Literal["退出"]
    reason: Text = Field(title="退出原因")


Event = Annotated[
    Union[Application, Visit, Publicity, Reinvestigation, Decision, Refusal, AnnualReview, Change, PeriodicCheck, Renewal,
          Exit],
    Field(discriminator="type"),
]

EVENT_TYPES = ("申请", "入户调查", "审核公示", "确认公示", "再次调查", "审核确认", "不予批准", "年度审核", "变更", "定期核查",
               "续保登记", "退出")

ATTACHMENT_TYPES = (
    "户口簿", "身份证", "残疾证", "疾病诊断证明", "医疗费用票据", "学籍证明", "学费证明",
    "就业培训证明", "租房合同", "入户照片", "公示照片", "核对报告", "照料护理协议",
    "民主评议记录", "银行卡", "发放花名册", "签字表", "其他",
)


class Attachment(_Base):
    """扫描件。路径相对于工作区；也可不在此列出，按命名规则放在 scans/<对象编号>/ 下自动识别。"""

    type: Literal[ATTACHMENT_TYPES] = Field(title="材料类型")  # type: ignore[valid-type]
    path: Annotated[str, Field(min_length=1, max_length=500)] = Field(title="文件路径（相对于工作区）")
    member: Name | None = Field(None, title="相关成员")
    year: Annotated[int, Field(ge=2000, le=2100)] | None = Field(None, title="年度")
    event: ShortText | None = Field(None, title="所属事件编号")
    form: ShortText | None = Field(None, title="签字表对应的表单编号", description="如 fenxi-04")
    date: dt.date | None = Field(None, title="日期")
    title: ShortText | None = Field(None, title="文件题名")


class Household(_Base):
    """一户一档：一户家庭的全部信息与历史。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                              json_schema_extra={"$comment": "dibao 家庭档案记录格式"})

    schema_version: Literal[1] = Field(1, title="格式版本")
    case_no: Annotated[str, Field(pattern=r"^[A-Za-z0-9\-_\u4e00-\u9fff]{1,40}$")] = Field(
        title="对象编号", description="本县唯一；字母、数字、汉字、-、_")
    town: ShortText = Field(title="乡镇（街道）")
    village: ShortText = Field(title="村（社区）")
    group: ShortText | None = Field(None, title="组")
    type: Literal["城市低保", "农村低保", "特困", "低保边缘"] = Field(title="对象类型")
    hukou_type: Literal["农业", "非农业", "居民"] | None = Field(None, title="户籍性质")
    reason: ShortText | None = Field(None, title="享受低保（致贫）原因")
    since: dt.date | None = Field(None, title="享受时间")
    poverty_registered: bool | None = Field(None, title="是否建档立卡")
    phone: ShortText | None = Field(None, title="联系电话")
    address: Address = Field(default_factory=Address, title="地址")
    members: list[Member] = Field(min_length=1, max_length=1000, title="共同生活家庭成员（含户主）")
    obligors: list[Obligor] = Field(default_factory=list, max_length=100, title="赡（抚、扶）养义务人")
    housing: Housing = Field(default_factory=Housing, title="住房")
    property: Property = Field(default_factory=Property, title="家庭财产")
    incomes: list[Income] = Field(default_factory=list, max_length=2000, title="收入")
    expenses: list[Expense] = Field(default_factory=list, max_length=500, title="刚性支出")
    labor_count: Annotated[int, Field(ge=0, le=100)] | None = Field(None, title="劳动力人口")
    official_relative: OfficialRelative | None = Field(None, title="近亲属备案")
    extreme_poverty: ExtremePoverty | None = Field(None, title="特困供养信息")
    bank_account: BankAccount | None = Field(None, title="发放账户")
    monthly_amount: Money | None = Field(None, title="月保障金（元）",
                                         description="花名册（台账）上本户当前每月的保障金额；导入台账时填写")
    events: list[Event] = Field(default_factory=list, max_length=2000, title="历次业务事件")
    payments: list[Payment] = Field(default_factory=list, max_length=5000, title="发放记录")
    attachments: list[Attachment] = Field(default_factory=list, max_length=5000, title="扫描件")
    notes: Text | None = Field(None, title="备注")

    @field_validator("members")
    @classmethod
    def _one_head(cls, v: list[Member]) -> list[Member]:
        heads = [m for m in v if m.relation == "本人"]
        if len(heads) != 1:
            raise ValueError("head")
        return v

    # ------------------------------------------------------------ helpers
    @builtins.property
    def head(self) -> Member:
        return next(m for m in self.members if m.relation == "本人")

    def living_members(self, on: dt.date | None = None) -> list[Member]:
        return [m for m in self.members if m.death_date is None or (on is not None and m.death_date > on)]

    def events_of(self, *types: str) -> list:
        return sorted((e for e in self.events if e.type in types), key=lambda e: e.date)

    def latest(self, *types: str):
        ev = self.events_of(*types)
        return ev[-1] if ev else None

    @builtins.property
    def area(self) -> str:
        """城市 or 农村, which standard applies."""
        if self.type == "城市低保":
            return "城市"
        if self.type == "农村低保":
            return "农村"
        return "城市" if self.hukou_type == "非农业" else "农村"


def area_text(area) -> str:
    """One way of printing an area on every form and message: 105㎡, 86.5㎡ (never 105.0 on one and 105㎡ on another)."""
    if area is None:
        return ""
    d = Decimal(area)
    return f"{d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()}㎡"


_SAFE_NAME = re.compile(r"[\\/:*?\"<>|\x00-\x1f]")


def safe_filename(text: str) -> str:
    """A file-name-safe version of a Chinese name or number."""
    return _SAFE_NAME.sub("_", text).strip(". ") or "_"


def json_schema() -> dict:
    schema = Household.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "dibao 家庭档案记录（一户一档）"
    return schema
