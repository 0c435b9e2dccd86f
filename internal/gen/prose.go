package gen

import (
	"math/rand/v2"
	"strings"
)

// The word pools below make diary prose in Korean and English, mixed the
// way the fixture in shared/fixtures mixes them: mostly Korean sentences,
// some English ones, English terms inside Korean sentences, the odd
// heading, list and link reference. Nothing here has to read well; it has
// to have the size, the byte mix (three-byte Hangul, ASCII) and the shape
// of the real thing.

// Disclaimer is the blockquote every generated post opens with, the
// fixture's own.
const Disclaimer = "심심할 때 재미로 개인의 생각을 정리하고, 작성하는 곳입니다. 사실과 다를 수 있고, 지나치게 편향되어 있으며, 감정적일 수 있습니다. 또한, 특정 인물과 회사와는 관련이 없습니다. When I feel bored, this is an enjoyable place to organize and write down my personal thoughts. Keep in mind that they may differ from facts, be overly biased, and emotional."

var (
	koWhen = []string{"오늘은", "아침에", "점심을 먹고", "퇴근길에", "주말 내내", "어젯밤", "비가 오는 날", "오랜만에", "새벽에", "회의가 끝나고", "저녁을 먹은 뒤", "출근 전에"}
	koWho  = []string{"", "", "나는", "친구와 함께", "동료들과", "가족과", "혼자서", "팀원들과"}
	koWhat = []string{"카페에서 책을", "새로운 프로젝트를", "오래된 사진을", "밀린 코드를", "지난 일기를", "영화 한 편을", "한강 근처 산책을", "따뜻한 커피를",
		"Transformer 논문을", "블로그 글을", "이사 준비를", "운동 계획을", "여행 일정을", "Go 언어 예제를", "회고 문서를", "데이터 정제 작업을"}
	koDid = []string{"읽었다.", "정리했다.", "시작했다.", "마무리했다.", "천천히 생각해 보았다.", "다시 살펴보았다.", "즐겼다.", "미뤄 두었다.",
		"조금씩 고쳐 나갔다.", "끝까지 해냈다.", "기록해 두었다.", "오래 고민했다."}
	koThought = []string{
		"생각보다 시간이 빨리 지나가서 조금 아쉬웠다.",
		"이렇게 작은 일들이 모여서 하루가 된다는 것을 다시 느꼈다.",
		"사실 이러한 변화가 조금 더 빨리 오지 않을까하고 조심스레 예상했었는데, 생각 외로 오래 걸렸다.",
		"질 좋은 데이터와 풍족한 리소스가 없으면 격차를 줄이기 쉽지는 않을 것이라고 생각한다.",
		"내일은 조금 더 일찍 일어나서 하루를 여유 있게 시작하고 싶다.",
		"누구라도 부정하기는 힘들 것이다.",
		"예전에 적어 둔 메모를 다시 읽어 보니 그때의 고민이 지금과 크게 다르지 않았다.",
		"요즘은 채용시장의 큰 변화를 체감하고 있다.",
		"어느정도 정리가 되고 나니 마음이 한결 가벼워졌다.",
		"결국 중요한 것은 꾸준함이라는 뻔한 결론에 다시 도착했다.",
		"날씨가 좋아서 창문을 열어 두고 음악을 들었다.",
		"앞으로 몇 달 동안은 이 방향으로 계속 가 볼 생각이다.",
	}
	enWhen    = []string{"Today", "This morning", "After lunch", "On the way home", "All weekend", "Last night", "On a rainy afternoon", "For the first time in a while", "Before work", "After the meeting"}
	enDid     = []string{"I read", "I cleaned up", "I started", "I finished", "I thought about", "I went back to", "I enjoyed", "I put off", "I rewrote", "I wrote down"}
	enWhat    = []string{"a book at the cafe", "the new project", "some old photos", "a pile of code", "last year's diary", "a long film", "a walk by the river", "the plan for next month", "the notes from the conference", "a paper on attention models"}
	enAfter   = []string{"and it felt good.", "and it took longer than I hoped.", "without much of a plan.", "with a cup of coffee.", "while it rained outside.", "and then went to bed early.", "for no particular reason.", "and I want to do it again soon."}
	enThought = []string{
		"Keep in mind that these are thoughts of the moment, not facts.",
		"The pace of change in this field still surprises me every month.",
		"Small habits add up faster than big plans do.",
		"I should write more often, even when nothing much happens.",
		"Most of what I worried about last week did not matter in the end.",
		"Data, not model architecture, seems to decide who wins now.",
		"It is easier to see the shape of a year when you write down its days.",
		"Tomorrow I will try to start earlier and stop on time.",
	}
	headings = []string{"### 오늘의 기록", "### Notes", "### 생각 정리", "### Oh! my google!", "### Technology Cycle 관점에서", "### 읽은 것들", "### Things to remember", "### 내일 할 일"}
	links    = []string{"https://www.bmc.com/blogs/gartner-hype-cycle/", "https://go.dev/doc/", "https://jekyllrb.com/docs/posts/", "https://git-scm.com/book/ko/v2", "https://en.wikipedia.org/wiki/Diary", "https://pages.github.com/"}

	titleKo = []string{"오늘의 생각", "비 오는 날", "조용한 일요일", "퇴근길", "새해 다짐", "작은 변화", "오랜만의 산책", "이사 준비", "책 읽는 밤", "회고", "여름 휴가", "첫눈", "커피 한 잔", "늦은 저녁", "주말 기록"}
	titleEn = []string{"Personal Diary", "Notes on Go", "A quiet week", "Oh! my google!", "Reading list", "Back to work", "Weekend notes", "Small wins", "On writing", "Spring cleaning"}
	titleAt = []string{"", "", "", " 2", " (계속)", ": 짧은 메모", " - part 2", " #3", "!"}

	// Categories are the ones a post may have; "" means none.
	categories = []string{"etc", "etc", "일상", "daily", "work", "travel", "books", "개발", ""}
	tagPool    = []string{"go", "ai", "책", "여행", "운동", "회고", "cafe", "jekyll", "git", "음악", "movie", "가족"}
)

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

// title makes a post title: Korean mostly, English sometimes, now and
// then with a suffix that YAML must quote (": ", "#", "!").
func title(r *rand.Rand) string {
	var t string
	if r.IntN(10) < 7 {
		t = pick(r, titleKo)
	} else {
		t = pick(r, titleEn)
	}
	t += pick(r, titleAt)
	if r.IntN(20) == 0 {
		t = "Re: " + t
	}
	return t
}

func koSentence(r *rand.Rand) string {
	if r.IntN(3) == 0 {
		return pick(r, koThought)
	}
	parts := []string{pick(r, koWhen), pick(r, koWho), pick(r, koWhat), pick(r, koDid)}
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return b.String()
}

func enSentence(r *rand.Rand) string {
	if r.IntN(3) == 0 {
		return pick(r, enThought)
	}
	w := pick(r, enWhen)
	if !strings.HasPrefix(w, "Today") {
		w += ","
	}
	return w + " " + pick(r, enDid) + " " + pick(r, enWhat) + " " + pick(r, enAfter)
}

func paragraph(r *rand.Rand) string {
	n := 2 + r.IntN(4)
	var b strings.Builder
	b.WriteByte(' ') // the fixture indents its paragraphs by one space
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		if r.IntN(10) < 7 {
			b.WriteString(koSentence(r))
		} else {
			b.WriteString(enSentence(r))
		}
	}
	return b.String()
}

// body makes the text under the disclaimer, about size bytes long.
func body(r *rand.Rand, size int) string {
	var b strings.Builder
	if r.IntN(3) == 0 {
		b.WriteString(pick(r, headings))
		b.WriteByte('\n')
	}
	for b.Len() < size {
		switch k := r.IntN(12); {
		case k == 0 && b.Len() > 0:
			b.WriteString("\n")
			b.WriteString(pick(r, headings))
			b.WriteString("\n")
		case k == 1:
			for range 2 + r.IntN(3) {
				b.WriteString("- ")
				if r.IntN(2) == 0 {
					b.WriteString(koSentence(r))
				} else {
					b.WriteString(enSentence(r))
				}
				b.WriteByte('\n')
			}
			b.WriteByte('\n')
		default:
			b.WriteString(paragraph(r))
			b.WriteString("\n \n")
		}
	}
	if r.IntN(4) == 0 {
		b.WriteString("\n")
		for i := range 1 + r.IntN(3) {
			b.WriteString("  [")
			b.WriteByte(byte('1' + i))
			b.WriteString("]: ")
			b.WriteString(pick(r, links))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// SampleBody returns a deterministic body of about size bytes, the kind
// of text the generated posts hold, for benchmarks that write entries.
func SampleBody(seed int64, size int) string {
	return body(newRand(seed, 7), size)
}

func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x6469617279^stream))
}
